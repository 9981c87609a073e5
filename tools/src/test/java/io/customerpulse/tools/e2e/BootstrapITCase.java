package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.tools.bootstrap.Bootstrap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live job started from a bootstrap of the first half of a stream, then fed the rest through
 * Kafka, ends with the tables and the compacted profiles of one replay of the whole stream; the
 * history's alerts and actions never reach their topics (DESIGN section 13). On the live stack
 * ({@link LiveStack}: a real Kafka broker and PostgreSQL, RocksDB).
 */
@Timeout(420)
@ExtendWith(LiveStack.class)
class BootstrapITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldGoOnFromABootstrappedHistoryAsOneReplayOfTheWholeStream() throws Exception {
        Map<String, String> settings = deterministicSettings("boot.");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        Scenario whole = scenario("boot", 11, 150);

        // the history: every event up to day 75; the rest (and any line that is no event) live
        long asOf = START.plus(Duration.ofDays(75)).toEpochMilli();
        List<String> history = new ArrayList<>();
        List<String> live = new ArrayList<>();
        for (String line : whole.lines()) {
            Instant at = eventTime(line);
            (at != null && at.toEpochMilli() <= asOf ? history : live).add(line);
        }
        Path historyFile = dir.resolve("boot-history.jsonl");
        Files.write(historyFile, history, StandardCharsets.UTF_8);
        Path savepoint = dir.resolve("boot-savepoint");
        Bootstrap.Result result =
                Bootstrap.run(
                        settings,
                        historyFile,
                        Instant.ofEpochMilli(asOf),
                        savepoint,
                        dir.resolve("boot-out"),
                        BOUND,
                        1);

        // stopped once every operator had applied history up to as-of, not before, not after
        assertThat(result.eventTime()).isEqualTo(Instant.ofEpochMilli(asOf));
        // history went to the tables and, its last profile per customer, to the profiles topic
        assertThat(result.profilesPublished()).isPositive();
        // the tables and the compacted profiles as a replay of history alone leaves them
        assertSameAsReplay(config, replayAsOf(historyFile, asOf, "boot-history-replay"), asOf);
        assertThat(profileRecords(config)).hasSize(result.profilesPublished());
        assertThat(
                        rows(
                                        config.postgres().url(),
                                        "SELECT count(*) FROM customer_profile WHERE updated_at"
                                                + " <= to_timestamp("
                                                + asOf / 1000
                                                + ")")
                                .get(0)
                                .get(0))
                .isEqualTo(Integer.toString(result.profilesPublished()));
        // nothing of history on the alert and action topics
        assertThat(
                        readCommitted(
                                config.kafka().topic(KafkaSettings.CUSTOMER_ACTIONS),
                                CustomerAction.class))
                .isEmpty();
        assertThat(
                        readCommitted(
                                config.kafka().topic(KafkaSettings.CHURN_ALERTS), ChurnAlert.class))
                .isEmpty();

        // live from the savepoint as it is: no state of it may be left unclaimed
        produce(config.kafka(), live);
        Configuration flink = new Configuration();
        flink.setString("execution.state-recovery.path", savepoint.toUri().toString());
        flink.setString("execution.state-recovery.ignore-unclaimed-state", "false");
        flink.setString("restart-strategy.type", "none"); // a refused restore fails, with why
        JobClient job = startLive(config, flink);
        try {
            await(
                    "the live job running from the savepoint",
                    () -> {
                        if (job.getJobStatus().get().isGloballyTerminalState()) {
                            job.getJobExecutionResult().get(); // throws the cause
                        }
                        return job.getJobStatus().get() == JobStatus.RUNNING ? true : null;
                    });
            assertSameAsReplay(config, whole.replay(), asOf);
            assertThat(
                            readCommitted(
                                    config.kafka().topic(KafkaSettings.CHURN_ALERTS),
                                    ChurnAlert.class))
                    .as("churn alerts on the topic: the live part's only")
                    .isNotEmpty()
                    .allMatch(a -> a.getAt().toEpochMilli() > asOf);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static Instant eventTime(String line) {
        try {
            JsonNode n = readTree(line);
            return n.hasNonNull("event_time") ? Instant.parse(n.get("event_time").asText()) : null;
        } catch (RuntimeException notAnEvent) {
            return null;
        }
    }
}
