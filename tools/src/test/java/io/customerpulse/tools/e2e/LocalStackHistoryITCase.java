package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.config.Cli;
import io.customerpulse.json.AvroJson;
import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.testkit.LocalKafka;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.tools.importer.CdnowImporter;
import io.customerpulse.tools.local.LocalData;
import io.customerpulse.tools.local.LocalStack;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17's end-to-end check of a bootstrap on real data: the CDNOW sample up to 1998-04-01 as the
 * history of {@code scripts/run --history}, its last three months as live events through the local
 * stack's Kafka; the dashboard's segment panel then shows what one replay of the whole file gives,
 * and the tables and topics equal that replay.
 */
@Timeout(600)
@ExtendWith(LiveStack.class)
class LocalStackHistoryITCase {
    private static final Instant AS_OF = Instant.parse("1998-04-01T00:00:00Z");

    @AfterEach
    void forgetThePassword() {
        System.clearProperty(PostgresSettings.PASSWORD_PROPERTY);
    }

    @Test
    void shouldShowTheSegmentsOfOneReplayAfterABootstrappedCdnowHistoryAndLiveEvents()
            throws Exception {
        Path all = dir.resolve("cdnow-all.jsonl");
        try (Writer w = Files.newBufferedWriter(all, StandardCharsets.UTF_8)) {
            CdnowImporter.convert(
                    Path.of(
                            System.getProperty(
                                    "cdnow.sample", "../shared/data/cdnow/CDNOW_sample.txt")),
                    w);
        }
        List<String> history = new ArrayList<>();
        List<String> live = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (String line : Files.readAllLines(all)) {
            Instant at = Instant.parse(readTree(line).get("event_time").asText());
            last = Math.max(last, at.toEpochMilli());
            (at.isAfter(AS_OF) ? live : history).add(line);
        }
        assertThat(history).hasSizeGreaterThan(5 * live.size());
        assertThat(live).isNotEmpty();
        // then every partition's watermark moves past the last live event, as in the other tests
        long finalWatermark = Sentinels.finalWatermark(last, INTERVAL);
        live.addAll(
                Sentinels.lines(
                        Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1), "SP-0"));
        Path historyFile = Files.write(dir.resolve("cdnow-history.jsonl"), history);
        Path liveFile = Files.write(dir.resolve("cdnow-live.jsonl"), live);
        List<String> whole = new ArrayList<>(history);
        whole.addAll(live);
        Path replay =
                replayAsOf(
                        Files.write(dir.resolve("cdnow-whole.jsonl"), whole),
                        finalWatermark,
                        "cdnow-whole-replay");

        Path out = dir.resolve("local-history");
        int code =
                Cli.of(new LocalStack())
                        .execute(
                                "--out", out.toString(),
                                "--history", historyFile.toString(),
                                "--history-as-of", AS_OF.toString(),
                                "--input", liveFile.toString(),
                                "--partitions", "1",
                                "--rate", "5000",
                                "--duration", "75s",
                                "--set", "watermark.idleness=0 ms",
                                "--set", "watermark.max-out-of-orderness=1 h");
        assertThat(code).isZero();

        // the kept Kafka and PostgreSQL, without the job
        try (LocalData data = LocalData.open(out);
                LocalKafka kafka = data.kafka();
                LocalData.Database db = data.database()) {
            Map<String, Long> expected = new TreeMap<>();
            for (String line : Files.readAllLines(replay.resolve("profiles.jsonl"))) {
                JsonNode segment = AvroJson.MAPPER.readTree(line).get("segment");
                expected.merge(segment.isNull() ? "NONE" : segment.asText(), 1L, Long::sum);
            }
            assertThat(expected).containsKeys("CHURN_RISK", "REPEAT");
            Map<String, Long> shown = new TreeMap<>();
            for (JsonNode segment : dashboardPanels(db).get("segments")) {
                shown.put(segment.get("segment").asText(), segment.get("customers").asLong());
            }
            assertThat(shown).as("the dashboard's segment panel").isEqualTo(expected);
            assertSameAsReplay(keptRun(kafka, db), replay, AS_OF.toEpochMilli());
        }
    }
}
