package io.customerpulse.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.importer.CdnowImporter;
import io.customerpulse.testing.Flink;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CDNOW sample through the importer and the replay, checked against the file's own totals.
 */
class CdnowReplayITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @TempDir Path dir;

    @Test
    void shouldGiveEveryCdnowCustomerTheOrdersAndGmvOfTheFile() throws Exception {
        Path sample =
                Path.of(
                        System.getProperty(
                                "cdnow.sample", "../shared/data/cdnow/CDNOW_sample.txt"));
        assertThat(sample).exists();

        // totals straight from the file: customer (sample id) -> [orders, cents]
        Map<String, long[]> expected = new HashMap<>();
        for (String line : Files.readAllLines(sample, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            long[] t =
                    expected.computeIfAbsent(
                            Integer.toString(Integer.parseInt(f[1])), c -> new long[2]);
            t[0]++;
            t[1] += new java.math.BigDecimal(f[4]).movePointRight(2).longValueExact();
        }

        Path events = dir.resolve("cdnow.jsonl");
        try (Writer w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            assertThat(CdnowImporter.convert(sample, w)).isEqualTo(6_919);
        }
        Path out = ReplayITCase.replay(dir, events, 2, Map.of());

        Map<String, JsonNode> profiles = ReplayITCase.profiles(out);
        assertThat(profiles).hasSize(2_357).hasSameSizeAs(expected);
        expected.forEach(
                (customer, t) -> {
                    JsonNode p = profiles.get(customer);
                    assertThat(p).as(customer).isNotNull();
                    assertThat(p.get("orders_total").asLong()).as(customer).isEqualTo(t[0]);
                    assertThat(p.get("gmv_minor").asLong()).as(customer).isEqualTo(t[1]);
                });
        assertThat(Files.readString(out.resolve("late_events.jsonl"))).isEmpty();
        assertThat(Files.readString(out.resolve("dead_letter.jsonl"))).isEmpty();
    }
}
