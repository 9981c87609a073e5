package io.customerpulse.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the job's topics if missing: the inputs, clv-models, and the outputs — customer-profiles
 * compacted (only the latest profile per customer matters), the others deleted by retention. Each
 * topic created with a replication factor carries {@code min.insync.replicas} = min(2, replication)
 * itself, so that an acknowledged write (acks=all) is on two brokers whatever the brokers' own
 * default (Kafka's is 1: a leader alone could acknowledge, and losing it would lose the write).
 */
public final class Topics {
    private Topics() {}

    public static void create(KafkaSettings kafka, int partitions, short replication)
            throws InterruptedException, ExecutionException {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : KafkaSources.INPUTS) {
            topics.add(topic(kafka.topic(input), partitions, replication, Map.of()));
        }
        topics.add(
                topic(
                        kafka.topic(KafkaSettings.PROFILES),
                        partitions,
                        replication,
                        Map.of("cleanup.policy", "compact")));
        topics.add(clvModels(kafka, replication));
        for (String out :
                List.of(
                        KafkaSettings.SEGMENT_CHANGES,
                        KafkaSettings.CHURN_ALERTS,
                        KafkaSettings.CUSTOMER_ACTIONS,
                        KafkaSettings.SELLER_HEALTH,
                        KafkaSettings.SELLER_HEALTH_ALERTS,
                        KafkaSettings.CAMPAIGN_METRICS,
                        KafkaSettings.LATE_EVENTS,
                        KafkaSettings.DEAD_LETTER)) {
            topics.add(topic(kafka.topic(out), partitions, replication, Map.of()));
        }
        createMissing(kafka, topics);
    }

    private static NewTopic topic(
            String name, int partitions, short replication, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put(MIN_IN_SYNC, Integer.toString(Math.min(2, replication)));
        return new NewTopic(name, partitions, replication).configs(all);
    }

    private static final String MIN_IN_SYNC = "min.insync.replicas";

    /**
     * The clv-models topic: every fitted model kept (keys are model ids), one partition, in order.
     */
    public static NewTopic clvModels(KafkaSettings kafka, short replication) {
        return topic(
                kafka.topic(KafkaSettings.CLV_MODELS),
                1,
                replication,
                Map.of("cleanup.policy", "compact"));
    }

    /**
     * The clv-models topic as a tool outside the job creates it (scripts/fit-clv): replicated and
     * guarded as the brokers' defaults say ({@code default.replication.factor}, {@code
     * min.insync.replicas}), not once.
     */
    public static NewTopic clvModelsAsTheBrokersDefault(KafkaSettings kafka) {
        return new NewTopic(kafka.topic(KafkaSettings.CLV_MODELS), Optional.of(1), Optional.empty())
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
