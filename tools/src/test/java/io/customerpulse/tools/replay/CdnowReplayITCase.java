package io.customerpulse.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.clv.CdnowData;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.Replays;
import io.customerpulse.tools.clv.FitCommand;
import io.customerpulse.tools.importer.CdnowImporter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
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
        Path sample = sample();
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
        Path out = Replays.replay(dir, events, 2, Map.of());

        Map<String, JsonNode> profiles = Replays.profiles(out);
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

    /**
     * Issue 7's end-to-end check: the sample through the job as of the end of the calibration
     * period, then the fit over the profiles it wrote. The job's summaries must be the published
     * ones, and the fit the published parameters.
     */
    @Test
    void shouldGiveThePublishedSummariesAndParametersWhenFittedOnTheReplaysProfiles()
            throws Exception {
        Path events = dir.resolve("cdnow.jsonl");
        try (Writer w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            CdnowImporter.convert(sample(), w);
        }
        Path out =
                Replays.replay(dir, events, 1, Map.of("replay.as-of", "1997-09-30T23:59:59.999Z"));

        Map<String, FitCommand.Customer> customers = FitCommand.fromReplay(out);
        LocalDate asOf = LocalDate.of(1997, 9, 30);
        Map<String, RfmStats> published = CdnowData.summary();
        assertThat(customers).hasSameSizeAs(published);
        published.forEach(
                (id, want) -> {
                    FitCommand.Customer c = customers.get(id);
                    RfmStats got = c.stats(asOf, 100);
                    assertThat(got.x()).as(id).isEqualTo(want.x());
                    assertThat(got.tx()).as(id).isCloseTo(want.tx(), within(0.005));
                    assertThat(got.T()).as(id).isCloseTo(want.T(), within(0.005));
                    // zbar is the mean in dollars rounded half-up to cents
                    long cents = c.x() == 0 ? 0 : (2 * c.repeatValueMinor() + c.x()) / (2L * c.x());
                    assertThat(cents).as(id).isEqualTo(Math.round(want.mx() * 100));
                });

        ClvModel model = FitCommand.fit(customers.values(), asOf, "USD", 100, Instant.now());
        System.out.print(FitCommand.describe(model));
        assertThat(model.getCustomers()).isEqualTo(2_357);
        assertThat(model.getRepeatCustomers()).isEqualTo(946);
        assertThat(model.getR()).isCloseTo(0.243, withPercentage(0.5));
        assertThat(model.getAlpha()).isCloseTo(4.414, withPercentage(0.5));
        assertThat(model.getA()).isCloseTo(0.793, withPercentage(0.5));
        assertThat(model.getB()).isCloseTo(2.426, withPercentage(0.5));
        assertThat(model.getBgnbdLogLikelihood()).isCloseTo(-9582.4, within(0.5));
        assertThat(model.getP()).isCloseTo(6.25, withPercentage(0.5));
        assertThat(model.getQ()).isCloseTo(3.74, withPercentage(0.5));
        assertThat(model.getGamma()).isCloseTo(15.44, withPercentage(0.5));
    }

    private static Path sample() {
        return Path.of(System.getProperty("cdnow.sample", "../shared/data/cdnow/CDNOW_sample.txt"));
    }
}
