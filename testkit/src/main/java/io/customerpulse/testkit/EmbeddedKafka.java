package io.customerpulse.testkit;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, for the
 * local stack and the end-to-end tests. Replication factors are 1 and the transaction timeout limit
 * is the broker default (15 min).
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

    private static EmbeddedKafka start(SecurityProtocol protocol) throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .setBrokerSecurityProtocol(protocol)
                                        .build())
                        // authenticated users need no ACLs (the test kit's SASL default refuses)
                        .setConfigProp("allow.everyone.if.no.acl.found", "true")
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
