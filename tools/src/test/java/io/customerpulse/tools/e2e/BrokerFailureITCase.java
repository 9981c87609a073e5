package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Kafka broker stops mid-run (issue 14): on a 3-broker cluster with replication 3 and {@code
 * min.insync.replicas} 2, the broker leading a partition of an input topic and of an output topic
 * is stopped while the job reads and writes. The job goes on (restarting if a transaction or a
 * fetch failed); the outputs are exactly once and the tables equal the replay.
 */
@Timeout(420)
@ExtendWith(LiveStack.class)
class BrokerFailureITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldStayExactlyOnceWhenThePartitionLeaderOfAnInputAndAnOutputStops(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (EmbeddedKafka brokers = EmbeddedKafka.startCluster(3)) {
            String prefix = "broker.";
            Map<String, String> settings = deterministicSettings(prefix);
            settings.put("kafka.bootstrap-servers", brokers.bootstrapServers());
            JobConfig config = JobConfig.parse(settings);
            // three partitions: every broker leads one partition of every topic
            Topics.create(config.kafka(), 3, (short) 3);
            String orders = config.kafka().topic(KafkaSettings.ORDERS);
            String profiles = config.kafka().topic(KafkaSettings.PROFILES);

            Scenario scenario = scenario("broker", 23, 300);
            List<String> lines = scenario.lines();
            int half = lines.size() / 2;
            produce(config.kafka(), lines.subList(0, half), 3);
            JobClient job = startLive(config, fixedDelayRestarts("500 ms"));
            try {
                await(
                        "profiles of the first half",
                        () ->
                                readCommitted(
                                                                config.kafka(),
                                                                profiles,
                                                                io.customerpulse.avro
                                                                        .CustomerProfile.class)
                                                        .size()
                                                > 50
                                        ? true
                                        : null);
                int leader;
                try (Admin admin = Admin.create(config.kafka().clientProperties())) {
                    Map<String, TopicDescription> topics =
                            admin.describeTopics(List.of(orders, profiles)).allTopicNames().get();
                    leader = topics.get(orders).partitions().get(0).leader().id();
                    Set<Integer> profileLeaders = new TreeSet<>();
                    for (TopicPartitionInfo p : topics.get(profiles).partitions()) {
                        assertThat(p.replicas()).hasSize(3);
                        profileLeaders.add(p.leader().id());
                    }
                    assertThat(profileLeaders).contains(leader);
                    // acknowledged on two brokers: the topics say so, not the brokers' default
                    List<ConfigResource> resources =
                            List.of(orders, profiles).stream()
                                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                                    .toList();
                    admin.describeConfigs(resources)
                            .all()
                            .get()
                            .forEach(
                                    (topic, topicConfig) ->
                                            assertThat(
                                                            topicConfig
                                                                    .get("min.insync.replicas")
                                                                    .value())
                                                    .as(topic.name())
                                                    .isEqualTo("2"));
                }
                // mid-run: the second half is being produced (and read, and written) while the
                // broker stops
                java.util.concurrent.CompletableFuture<Void> second =
                        java.util.concurrent.CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        int mid = half + (lines.size() - half) / 2;
                                        produce(config.kafka(), lines.subList(half, mid), 3);
                                        Thread.sleep(300);
                                        produce(
                                                config.kafka(),
                                                lines.subList(mid, lines.size()),
                                                3);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                Thread.sleep(150);
                brokers.stopBroker(leader);
                assertThat(brokers.runningBrokers()).hasSize(2).doesNotContain(leader);
                second.get();

                assertSameAsReplay(config, scenario.replay());
                TreeSet<String> expected = expectedChanges(scenario.replay());
                List<String> changes =
                        awaitChangesCommitted(
                                config.kafka(),
                                expected,
                                () ->
                                        transactionsOf(
                                                        config.kafka(),
                                                        config.kafka()
                                                                .topic(
                                                                        KafkaSettings
                                                                                .SEGMENT_CHANGES))
                                                + attempts(cluster, job));
                List<String> sorted = new ArrayList<>(changes);
                sorted.sort(null);
                assertThat(sorted).isEqualTo(new ArrayList<>(expected)); // no duplicate, no loss
                // the stopped broker led a customer-profiles partition: no version there twice
                // (compaction could only hide a duplicate, not invent one; a 25 s run is not
                // compacted)
                List<String> profileVersions = new ArrayList<>();
                for (io.customerpulse.avro.CustomerProfile p :
                        readCommitted(
                                config.kafka(),
                                profiles,
                                io.customerpulse.avro.CustomerProfile.class)) {
                    profileVersions.add(p.getCustomerId() + " v" + p.getVersion());
                }
                assertThat(profileVersions).doesNotHaveDuplicates().hasSizeGreaterThan(50);
                // and the job rode it out: no task failed (leadership moved under it)
                for (var vertex :
                        cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
                    assertThat(vertex.getCurrentExecutionAttempt().getAttemptNumber())
                            .as(vertex.getTaskNameWithSubtaskIndex())
                            .isZero();
                }
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Each task's attempt number (more than 0: it failed and was restarted). */
    private static String attempts(MiniCluster cluster, JobClient job) throws Exception {
        StringBuilder out = new StringBuilder("attempts:");
        for (var vertex :
                cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
            out.append(' ')
                    .append(vertex.getTaskNameWithSubtaskIndex())
                    .append('=')
                    .append(vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return out.toString();
    }
}
