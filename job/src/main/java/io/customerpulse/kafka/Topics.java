package io.customerpulse.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the job's topics if missing: the inputs, clv-models, and the outputs — customer-profiles
 * compacted (only the latest profile per customer matters), the others deleted by retention.
 */
public final class Topics {
    private Topics() {}

    public static void create(KafkaSettings kafka, int partitions, short replication)
            throws InterruptedException, ExecutionException {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : KafkaSources.INPUTS) {
            topics.add(new NewTopic(kafka.topic(input), partitions, replication));
        }
        topics.add(
                new NewTopic(kafka.topic(KafkaSettings.PROFILES), partitions, replication)
                        .configs(Map.of("cleanup.policy", "compact")));
        topics.add(clvModels(kafka, replication));
        for (String out :
                List.of(
                        KafkaSettings.SEGMENT_CHANGES,
                        KafkaSettings.CHURN_ALERTS,
                        KafkaSettings.CAMPAIGN_METRICS,
                        KafkaSettings.LATE_EVENTS,
                        KafkaSettings.DEAD_LETTER)) {
            topics.add(new NewTopic(kafka.topic(out), partitions, replication));
        }
        createMissing(kafka, topics);
    }

    /**
     * The clv-models topic: every fitted model kept (keys are model ids), one partition, in order.
     */
    public static NewTopic clvModels(KafkaSettings kafka, short replication) {
        return new NewTopic(kafka.topic(KafkaSettings.CLV_MODELS), 1, replication)
                .configs(Map.of("cleanup.policy", "compact"));
    }

    /** Creates those of {@code topics} that do not exist yet. */
    public static void createMissing(KafkaSettings kafka, List<NewTopic> topics)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
