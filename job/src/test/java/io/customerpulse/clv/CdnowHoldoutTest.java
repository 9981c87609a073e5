package io.customerpulse.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.nio.file.Files;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The BG/NBD fitted on CDNOW's calibration period (to 1997-09-30, 39 weeks) predicts each
 * customer's repeat purchases in the 39 holdout weeks (to 1998-06-30); compared with what they
 * bought, grouped by calibration repeat purchases as in Fader, Hardie and Lee (2005), figure 4. The
 * table is printed for README and docs; the test holds the totals together.
 */
class CdnowHoldoutTest {
    private static final LocalDate CALIBRATION_END = LocalDate.parse("1997-09-30");
    private static final LocalDate HOLDOUT_END = LocalDate.parse("1998-06-30");

    @Test
    void shouldPredictTheHoldoutRepeatPurchasesOfCdnow() throws Exception {
        // purchase days per customer (orders on one day merged), from the raw transactions
        Map<String, TreeSet<LocalDate>> days = new TreeMap<>();
        DateTimeFormatter yyyymmdd = DateTimeFormatter.BASIC_ISO_DATE;
        for (String line : Files.readAllLines(CdnowData.dir().resolve("CDNOW_sample.txt"))) {
            String[] f = line.trim().split("\\s+");
            days.computeIfAbsent(f[1], k -> new TreeSet<>()).add(LocalDate.parse(f[2], yyyymmdd));
        }
        Map<String, RfmStats> published = CdnowData.summary();
        BgNbd model = ModelFit.bgNbd(List.copyOf(published.values())).model();
        double holdoutWeeks = ChronoUnit.DAYS.between(CALIBRATION_END, HOLDOUT_END) / 7.0;

        TreeMap<Integer, double[]> byX = new TreeMap<>(); // x -> customers, actual, predicted
        double actual = 0;
        double predicted = 0;
        for (var e : days.entrySet()) {
            LocalDate first = e.getValue().first();
            var calibration = e.getValue().headSet(CALIBRATION_END, true);
            int holdout = e.getValue().tailSet(CALIBRATION_END, false).size();
            int x = calibration.size() - 1;
            double tx = ChronoUnit.DAYS.between(first, calibration.last()) / 7.0;
            double T = ChronoUnit.DAYS.between(first, CALIBRATION_END) / 7.0;
            // our statistics equal the published summary (which rounds weeks to 2 dp)
            RfmStats p = published.get(Integer.toString(Integer.parseInt(e.getKey())));
            assertThat(x).isEqualTo((int) p.x());
            assertThat(T).isCloseTo(p.T(), org.assertj.core.api.Assertions.within(0.006));
            double expected = model.conditionalExpectedPurchases(holdoutWeeks, x, tx, T);
            double[] row = byX.computeIfAbsent(Math.min(x, 7), k -> new double[3]);
            row[0]++;
            row[1] += holdout;
            row[2] += expected;
            actual += holdout;
            predicted += expected;
        }
        System.out.printf("CDNOW holdout (weeks 40-78), BG/NBD %s fitted on weeks 1-39%n", model);
        System.out.println(
                "| repeat purchases in weeks 1-39 | customers | actual per customer | predicted per customer |");
        System.out.println("|---|---|---|---|");
        for (var e : byX.entrySet()) {
            double[] r = e.getValue();
            System.out.printf(
                    "| %s | %,.0f | %.3f | %.3f |%n",
                    e.getKey() == 7 ? "7+" : e.getKey().toString(), r[0], r[1] / r[0], r[2] / r[0]);
        }
        System.out.printf(
                "| all | %,d | total %.0f | total %.1f |%n", days.size(), actual, predicted);

        assertThat(days).hasSize(2357);
        assertThat(actual).isEqualTo(1882); // SOURCE.md
        // the BG/NBD under-forecasts CDNOW's holdout by about 12 % (1,653 of 1,882), most of it
        // among customers with one or two calibration repeats; a change in the model code that
        // moves
        // the total by more than 1 % of it is a change in the model
        assertThat(predicted).isCloseTo(1653.4, withPercentage(1));
        double last = -1;
        for (double[] r : byX.values()) {
            assertThat(r[2] / r[0]).as("predicted rises with x").isGreaterThan(last);
            last = r[2] / r[0];
        }
    }
}
