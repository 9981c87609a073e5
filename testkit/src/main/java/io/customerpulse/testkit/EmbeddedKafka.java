package io.customerpulse.testkit;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in this JVM, for the local stack and
 * the end-to-end tests, or a cluster of several ({@link #startCluster}). With one broker
 * replication factors are 1; the transaction timeout limit is the broker default (15 min).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** A SASL (PLAIN) user of {@link #startSasl}: Kafka's test kit defines it. */
    public static final String SASL_USER = "plain-user1";

    public static final String SASL_PASSWORD = "plain-user1-secret";

    /** Formats and starts the broker; returns when it accepts clients. */
    public static EmbeddedKafka start() throws Exception {
        return start(SecurityProtocol.PLAINTEXT);
    }

    /**
     * A broker whose client listener takes SASL_PLAINTEXT with mechanism PLAIN only: {@link
     * #SASL_USER} authenticates with {@link #SASL_PASSWORD}; anything else is refused. (Kafka's
     * test kit writes the broker's JAAS file and points this JVM's {@code
     * java.security.auth.login.config} at it; clients name theirs in {@code sasl.jaas.config}.)
     */
    public static EmbeddedKafka startSasl() throws Exception {
        return start(SecurityProtocol.SASL_PLAINTEXT);
    }

    /**
     * A cluster of {@code brokers} brokers and one controller: the offsets and transaction logs
     * with one replica per broker and a minimum of 2 in sync. The brokers' own {@code
     * min.insync.replicas} stays Kafka's default (1): a topic that needs 2 must say so itself, as
     * {@code Topics.create} does.
     */
    public static EmbeddedKafka startCluster(int brokers) throws Exception {
        return start(SecurityProtocol.PLAINTEXT, brokers);
    }

    private static EmbeddedKafka start(SecurityProtocol protocol) throws Exception {
        return start(protocol, 1);
    }

    /**
     * With the environment variable {@code EMBEDDED_KAFKA_KEEP_DIR} set to a directory, the
     * brokers' data (log segments, metadata) goes under it and stays after close, for {@code
     * kafka.tools.DumpLogSegments} to show what a failed test left on each broker.
     */
    private static EmbeddedKafka start(SecurityProtocol protocol, int brokers) throws Exception {
        String replicas = Integer.toString(brokers);
        String minInSync = brokers > 1 ? "2" : "1";
        TestKitNodes.Builder nodes = new TestKitNodes.Builder();
        String keep = System.getenv("EMBEDDED_KAFKA_KEEP_DIR");
        if (keep != null) {
            java.nio.file.Path dir =
                    java.nio.file.Files.createTempDirectory(java.nio.file.Path.of(keep), "kafka-");
            System.err.println("EMBEDDED KAFKA DIR " + dir);
            nodes.setBaseDirectory(dir);
        }
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                nodes.setCombined(brokers == 1)
                                        .setNumBrokerNodes(brokers)
                                        .setNumControllerNodes(1)
                                        .setBrokerSecurityProtocol(protocol)
                                        .build())
                        // authenticated users need no ACLs (the test kit's SASL default refuses)
                        .setConfigProp("allow.everyone.if.no.acl.found", "true")
                        .setConfigProp("default.replication.factor", replicas)
                        .setConfigProp("offsets.topic.replication.factor", replicas)
                        .setConfigProp("transaction.state.log.replication.factor", replicas)
                        .setConfigProp("transaction.state.log.min.isr", minInSync)
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        // time-based retention checked every second, not every 5 minutes: what a
                        // production broker does to old-stamped records over a day happens within
                        // a test (records stamped older than retention.ms are deleted)
                        .setConfigProp("log.retention.check.interval.ms", "1000")
                        .setDeleteOnClose(keep == null)
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The ids of the brokers that run. */
    public java.util.Set<Integer> runningBrokers() {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        cluster.brokers()
                .forEach(
                        (id, b) -> {
                            if (!b.isShutdown()) {
                                ids.add(id);
                            }
                        });
        return ids;
    }

    /** Stops broker {@code id} (its partitions' leadership moves to the other replicas). */
    public void stopBroker(int id) {
        cluster.brokers().get(id).shutdown();
        cluster.brokers().get(id).awaitShutdown();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
