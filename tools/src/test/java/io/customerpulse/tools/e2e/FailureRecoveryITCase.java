package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.testkit.LocalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures: TaskManagers dying, a savepoint and a rescale, PostgreSQL down for a while — nothing
 * lost, nothing counted twice. On the live stack ({@link LiveStack}: a real Kafka broker and
 * PostgreSQL, no mocks).
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class FailureRecoveryITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldLoseAndDoubleNothingWhenTaskManagersDie(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String prefix = "chaos.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("chaos", 5, 300);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        Configuration flink = fixedDelayRestarts("500 ms");
        JobClient job = startLive(config, flink);
        List<Long> recoveries = new ArrayList<>();
        try {
            // kill while records are in flight: after a chunk is produced, before it is
            // checkpointed
            java.util.Random random = new java.util.Random(17);
            int chunk = lines.size() / 6 + 1;
            for (int i = 0; i < lines.size(); i += chunk) {
                produce(config.kafka(), lines.subList(i, Math.min(lines.size(), i + chunk)));
                Thread.sleep(200 + random.nextInt(900));
                long killed = System.nanoTime();
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                awaitRunning(cluster, job);
                recoveries.add((System.nanoTime() - killed) / 1_000_000);
            }
            assertThat(recoveries).hasSizeGreaterThanOrEqualTo(3);
            assertSameAsReplay(config, replay);

            // exactly once on Kafka. The tables can equal the replay a checkpoint before the
            // transaction holding the last records commits, so the committed records are awaited.
            // customer-profiles is compacted (the log cleaner may drop old versions), so it can
            // show duplicates but not losses; segment-changes keeps everything.
            TreeSet<String> expected = expectedChanges(replay);
            String changeTopic = config.kafka().topic(KafkaSettings.SEGMENT_CHANGES);
            List<String> changes =
                    awaitChangesCommitted(
                            config.kafka(), expected, () -> transactionsOf(changeTopic));
            Map<String, List<Long>> versions = new TreeMap<>();
            for (CustomerProfile p :
                    readCommitted(
                            config.kafka().topic(KafkaSettings.PROFILES), CustomerProfile.class)) {
                versions.computeIfAbsent(p.getCustomerId(), k -> new ArrayList<>())
                        .add(p.getVersion());
            }
            long profileRecords = versions.values().stream().mapToLong(List::size).sum();
            long profileDuplicates =
                    versions.values().stream()
                            .mapToLong(v -> v.size() - v.stream().distinct().count())
                            .sum();
            long changeDuplicates = changes.size() - new TreeSet<>(changes).size();
            long changeLosses = expected.stream().filter(c -> !changes.contains(c)).count();
            System.out.printf(
                    "fault injection: %d TaskManager kills, recovery ms %s; customer-profiles records %d,"
                            + " duplicates %d; segment-changes records %d (expected %d), duplicates %d,"
                            + " losses %d%n",
                    recoveries.size(),
                    recoveries,
                    profileRecords,
                    profileDuplicates,
                    changes.size(),
                    expected.size(),
                    changeDuplicates,
                    changeLosses);
            assertThat(profileDuplicates).isZero();
            assertThat(changeDuplicates).isZero();
            assertThat(changeLosses).isZero();
            assertThat(new TreeSet<>(changes)).isEqualTo(expected);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void shouldKeepEveryProfileThroughSavepointsAndRescaling(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String prefix = "rescale.";
        Map<String, String> settings = deterministicSettings(prefix);
        Topics.create(JobConfig.parse(settings).kafka(), 2, (short) 1);

        Scenario scenario = scenario("rescale", 9, 200);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        int third = lines.size() / 3;
        String savepoint = null;
        int[] parallelism = {2, 1, 2};
        List<String> steps = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            settings.put("job.parallelism", Integer.toString(parallelism[step]));
            JobConfig config = JobConfig.parse(settings);
            Configuration flink = new Configuration();
            if (savepoint != null) {
                flink.setString("execution.state-recovery.path", savepoint);
            }
            JobClient job = startLive(config, flink);
            List<String> part =
                    lines.subList(step * third, step == 2 ? lines.size() : (step + 1) * third);
            produce(config.kafka(), part, 2);
            if (step < 2) {
                // the savepoint is taken while this part is being processed: once the job has
                // completed two checkpoints of its own, it holds state from it
                await(
                        "two checkpoints at p" + parallelism[step],
                        () -> completedCheckpoints(cluster, job) >= 2 ? true : null);
                savepoint =
                        job.stopWithSavepoint(
                                        false,
                                        dir.resolve("savepoints").toUri().toString(),
                                        org.apache.flink.core.execution.SavepointFormatType
                                                .CANONICAL)
                                .get();
                steps.add("p" + parallelism[step] + " -> savepoint");
            } else {
                try {
                    assertSameAsReplay(config, replay);
                    steps.add("p" + parallelism[step] + " -> equal to the replay");
                } finally {
                    job.cancel().get();
                }
            }
        }
        System.out.println("rescale: " + String.join(", ", steps));
        assertThat(steps).hasSize(3);
    }

    @Test
    void shouldHoldRetryAndCatchUpWhenPostgresIsDown(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path data = dir.resolve("outage-data");
        LocalPostgres db = LocalPostgres.startKeepingData(dir.resolve("outage-pg"), data, port);
        String prefix = "outage.";
        Map<String, String> settings = deterministicSettings(prefix);
        settings.put("postgres.url", db.database("outage") + "&connectTimeout=5&socketTimeout=15");
        settings.put("postgres.max-retries", "2");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("outage", 13, 150);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        Configuration flink = fixedDelayRestarts("1 s");
        JobClient job = startLive(config, flink);
        try {
            produce(config.kafka(), lines.subList(0, lines.size() / 2));
            awaitFirstProfileRows(config);
            db.close(); // PostgreSQL goes away while the job is writing
            long down = System.currentTimeMillis();
            produce(config.kafka(), lines.subList(lines.size() / 2, lines.size()));
            // an outage of a fixed length, not a wait for a condition: long enough for several
            // failed writes and restarts (ending it at the first restart, ~2 s, once failed the
            // test: connections to the restarted PostgreSQL refused until the deadline; not
            // investigated)
            Thread.sleep(10_000);
            db = LocalPostgres.startKeepingData(dir.resolve("outage-pg"), data, port);
            long restarted = System.currentTimeMillis();
            try {
                assertSameAsReplay(config, replay);
            } catch (AssertionError notCaughtUp) {
                // twice in CI (2026-12-02) the job wrote nothing for 2 min after the database came
                // back, with nothing in the log: say whether it was running and had its slots
                throw new AssertionError(
                        "job "
                                + job.getJobStatus().get()
                                + ", task managers "
                                + cluster.getResourceOverview().get().getNumberTaskManagers()
                                + ", free slots "
                                + cluster.getResourceOverview().get().getNumberFreeSlots()
                                + "; "
                                + notCaughtUp.getMessage(),
                        notCaughtUp);
            }
            System.out.printf(
                    "postgres outage: down %d ms; caught up %d ms after it came back; job %s%n",
                    restarted - down,
                    System.currentTimeMillis() - restarted,
                    job.getJobStatus().get());
        } finally {
            job.cancel().get();
            db.close();
        }
    }

    /**
     * PostgreSQL stops answering (SIGSTOP of the server and its backends) while the job writes:
     * with the driver defaults of {@code PostgresSettings.driverDefaults()} (nothing in the URL)
     * the writer gives up, the job restarts while the database is frozen, and once it answers again
     * the tables equal the replay, with no TaskManager lost. Without a socket timeout the writer
     * waited in its socket read for the whole freeze and the job never noticed.
     */
    @Test
    void shouldGiveUpOnAPostgresThatStopsAnsweringAndCatchUp(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        LocalPostgres db = LocalPostgres.start(dir.resolve("hung-pg"));
        String prefix = "hung.";
        Map<String, String> settings = deterministicSettings(prefix);
        settings.put("postgres.url", db.database("hung")); // no timeouts of its own
        settings.put("postgres.max-retries", "1");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("hung", 17, 150);
        List<String> lines = scenario.lines();
        JobClient job = startLive(config, fixedDelayRestarts("1 s"));
        try {
            produce(config.kafka(), lines.subList(0, lines.size() / 2));
            awaitFirstProfileRows(config);
            int taskManagers = cluster.getResourceOverview().get().getNumberTaskManagers();
            db.freeze();
            long frozen = System.currentTimeMillis();
            try {
                produce(config.kafka(), lines.subList(lines.size() / 2, lines.size()));
                await(
                        "a restart while PostgreSQL is frozen (the writer gave up)",
                        () -> restarted(cluster, job) ? true : null);
            } finally {
                db.thaw();
            }
            long thawed = System.currentTimeMillis();
            assertSameAsReplay(config, scenario.replay());
            assertThat(cluster.getResourceOverview().get().getNumberTaskManagers())
                    .isEqualTo(taskManagers);
            assertThat(job.getJobStatus().get()).hasToString("RUNNING");
            System.out.printf(
                    "hung postgres: frozen %d ms until the job gave up and restarted; caught up %d ms"
                            + " after it answered again%n",
                    thawed - frozen, System.currentTimeMillis() - thawed);
        } finally {
            job.cancel().get();
            db.close();
        }
    }

    /** Until the job has written its first customer_profile rows. */
    private static void awaitFirstProfileRows(JobConfig config) throws Exception {
        await(
                "the job's first rows in customer_profile",
                () -> {
                    try {
                        return query(
                                                config.postgres().url(),
                                                "SELECT customer_id FROM customer_profile",
                                                r -> r.getString("customer_id"),
                                                r -> "")
                                        .isEmpty()
                                ? null
                                : true;
                    } catch (java.sql.SQLException notYet) {
                        return null; // not migrated yet
                    }
                });
    }

    private static boolean restarted(MiniCluster cluster, JobClient job) throws Exception {
        for (var vertex :
                cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
            if (vertex.getCurrentExecutionAttempt().getAttemptNumber() > 0) {
                return true;
            }
        }
        return false;
    }
}
