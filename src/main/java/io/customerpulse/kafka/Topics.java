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
 * Creates the job's topics if missing: the inputs, and the outputs — customer-profiles compacted
 * (only the latest profile per customer matters), the others deleted by retention.
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
        for (String out :
                List.of(
                        KafkaSettings.SEGMENT_CHANGES,
                        KafkaSettings.CHURN_ALERTS,
                        KafkaSettings.CAMPAIGN_METRICS,
                        KafkaSettings.LATE_EVENTS,
                        KafkaSettings.DEAD_LETTER)) {
            topics.add(new NewTopic(kafka.topic(out), partitions, replication));
        }
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
