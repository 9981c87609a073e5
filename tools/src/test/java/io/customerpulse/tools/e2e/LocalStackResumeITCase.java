package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.config.Cli;
import io.customerpulse.config.JobConfig;
import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.testkit.LocalKafka;
import io.customerpulse.tools.local.LocalData;
import io.customerpulse.tools.local.LocalStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local stack keeps its results (issue 16, item 5): {@code scripts/run} stopped part-way
 * through a file, then {@code scripts/run --resume} on the same directory, ends with topics and
 * tables equal to one replay of the whole file — each event published once, each output written
 * once — and after the job has stopped the kept database serves the dashboard and a login.
 */
@Timeout(600)
@ExtendWith(LiveStack.class)
class LocalStackResumeITCase {
    /** Deterministic as the other end-to-end tests: no idleness, the replay's bound. */
    private static final List<String> DETERMINISTIC =
            List.of(
                    "--set", "watermark.idleness=0 ms",
                    "--set", "watermark.max-out-of-orderness=1 h");

    @AfterEach
    void forgetThePassword() {
        System.clearProperty(PostgresSettings.PASSWORD_PROPERTY);
    }

    @Test
    void shouldResumeAKeptRunAsIfItHadNeverStoppedAndServeItAfterwards() throws Exception {
        Scenario scenario = scenario("resume", 29, 250);
        long total = scenario.lines().stream().filter(l -> !l.isBlank()).count();
        Path out = dir.resolve("local-resume");

        // part of the file: 100 events a second for at most 20 s, start-up included
        assertThat(
                        stack(
                                "--out", out.toString(),
                                "--input", scenario.file().toString(),
                                "--partitions", "1",
                                "--rate", "100",
                                "--duration", "20s"))
                .isZero();
        long firstRun;
        try (LocalData data = LocalData.open(out);
                LocalKafka kafka = data.kafka();
                LocalData.Database db = data.database()) {
            firstRun = LocalStack.publishedInputs(keptRun(kafka, db).kafka());
            assertThat(firstRun).as("published by the first run").isBetween(1L, total - 1);
            assertThat(count(db, "SELECT count(*) FROM customer_profile"))
                    .as("profiles kept after the first run")
                    .isPositive();
            assertThat(out.resolve("savepoints")).isDirectoryContaining("glob:**/savepoint-*");
        }
        // a new run on a kept directory must say which of the two it is
        assertThat(stack("--out", out.toString(), "--duration", "1s")).isEqualTo(2);

        // the rest, quickly; the job continues from the first run's savepoint
        assertThat(
                        stack(
                                "--out",
                                out.toString(),
                                "--resume",
                                "--rate",
                                "5000",
                                "--duration",
                                "45s"))
                .isZero();

        // the kept Kafka and PostgreSQL again, without the job
        try (LocalData data = LocalData.open(out);
                LocalKafka kafka = data.kafka();
                LocalData.Database db = data.database()) {
            JobConfig config = keptRun(kafka, db);
            assertThat(LocalStack.publishedInputs(config.kafka()))
                    .as("every line published once over both runs (%d in the first)", firstRun)
                    .isEqualTo(total);
            assertSameAsReplay(config, scenario.replay());

            // one process per directory
            assertThatThrownBy(() -> LocalData.open(out))
                    .isInstanceOf(Cli.UsageError.class)
                    .hasMessageContaining("in use");

            // the dashboard reads the kept views as the read-only role
            long shown = 0;
            for (JsonNode segment : dashboardPanels(db).get("segments")) {
                shown += segment.get("customers").asLong();
            }
            assertThat(shown)
                    .as("customers in the page's segment panel")
                    .isEqualTo(count(db, "SELECT count(*) FROM customer_profile"))
                    .isPositive();
        }
    }

    /** Runs {@code scripts/run} in this JVM with the deterministic settings; its exit code. */
    private static int stack(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(DETERMINISTIC);
        return Cli.of(new LocalStack()).execute(all.toArray(String[]::new));
    }

    private static long count(LocalData.Database db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.job().properties());
                var r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
