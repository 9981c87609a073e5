package io.customerpulse.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka broker (KRaft, one node that is broker and controller) in this JVM whose data lives in a
 * directory and survives {@link #close}: the local stack's, which a later run resumes. The first
 * start formats the directory, as {@code kafka-storage.sh format} would (a new cluster id, the
 * production metadata version); a later one starts on what is there. Both ports are picked free on
 * every start (the quorum's only voter is named in the configuration, not stored), so clients take
 * {@link #bootstrapServers} anew each time.
 *
 * <p>{@link EmbeddedKafka} (Kafka's test kit: several brokers, SASL, stopping one broker) serves
 * the tests; its directories are formatted anew on every start and cannot be started again.
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private LocalKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker on {@code dir} (formatting it when it holds no broker yet); returns when it
     * accepts clients.
     */
    public static LocalKafka start(Path dir) throws Exception {
        Path logs = dir.resolve("logs");
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://localhost:"
                        + brokerPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logs.toAbsolutePath().toString());
        // one node: every internal topic has one replica; few partitions, a quick start
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        KafkaConfig config = KafkaConfig.fromProps(p);
        if (!Files.exists(logs.resolve("meta.properties"))) {
            Files.createDirectories(logs);
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logs.toAbsolutePath().toString())
                    .setDirectories(List.of(logs.toAbsolutePath().toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LocalKafka kafka = new LocalKafka(server, "localhost:" + brokerPort);
        try {
            kafka.awaitReady();
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private void awaitReady() throws Exception {
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(client)) {
            admin.describeCluster().nodes().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker cleanly (its data stays). */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
