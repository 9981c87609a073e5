package io.customerpulse.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.SellerHealth;
import io.customerpulse.avro.SellerHealthAlert;
import io.customerpulse.avro.state.HealthDay;
import io.customerpulse.config.JobConfig;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN section 12's arithmetic at its boundaries, on plain daily counts. */
class SellerHealthMathTest {
    private final SellerHealthMath math = new SellerHealthMath(JobConfig.defaults().sellerHealth());
    private final Map<Integer, HealthDay> days = new HashMap<>();

    private static final int D = (int) LocalDate.parse("2025-06-15").toEpochDay();

    private HealthDay day(int d) {
        return days.computeIfAbsent(d, k -> new HealthDay());
    }

    private SellerHealth row(boolean fin) {
        return math.row("US", D, days::get, fin);
    }

    @Test
    void shouldSumTheNinetyDaysUpToTheDayInclusiveAndNoneBefore() {
        day(D).setOrders(1);
        day(D - 89).setOrders(10); // the window's first day
        day(D - 90).setOrders(100); // before it
        day(D + 1).setOrders(1_000); // after it
        day(D - 89).setNegativeFeedback(1);
        assertThat(row(false).getOrders90d()).isEqualTo(11);
        assertThat(row(false).getNegativeFeedbackRate()).isEqualTo(1 / 11.0);
        assertThat(row(false).getNegativeFeedbackOk()).isFalse(); // 9 % is not below 0.5 %
    }

    @Test
    void shouldLeaveARatioWithoutDenominatorNullAndUnjudged() {
        day(D).setEvents(1);
        SellerHealth r = row(false);
        assertThat(r.getNegativeFeedbackRate()).isNull();
        assertThat(r.getPositiveFeedbackShare()).isNull();
        assertThat(r.getResponseRate()).isNull();
        assertThat(r.getRepeatBuyerGmvShare()).isNull();
        assertThat(r.getNegativeFeedbackOk()).isNull();
        assertThat(r.getVersion()).isEqualTo(1);
        assertThat(row(true).getVersion()).isEqualTo(2);
    }

    @Test
    void shouldJudgeAtTheThresholds() {
        day(D).setOrders(1_000);
        day(D).setNegativeFeedback(5); // 0.5 %: not below it
        day(D).setFeedback(100);
        day(D).setPositiveFeedback(95); // 95 %: at it
        day(D).setMessagesDue(10);
        day(D).setAnsweredIn24h(9); // 90 %: at it
        SellerHealth r = row(true);
        assertThat(r.getNegativeFeedbackOk()).isFalse();
        assertThat(r.getPositiveFeedbackOk()).isTrue();
        assertThat(r.getResponseOk()).isTrue();
        day(D).setNegativeFeedback(4);
        day(D).setPositiveFeedback(94);
        day(D).setAnsweredIn24h(8);
        r = row(true);
        assertThat(r.getNegativeFeedbackOk()).isTrue();
        assertThat(r.getPositiveFeedbackOk()).isFalse();
        assertThat(r.getResponseOk()).isFalse();
        assertThat(r.getNegativeFeedbackMax()).isEqualTo(0.005);
    }

    /** Month to date: from the first of the day's month to the day, nothing of the month before. */
    @Test
    void shouldShareTheMonthToDateGmvOfRepeatBuyers() {
        int first = (int) LocalDate.parse("2025-06-01").toEpochDay();
        day(first - 1).setGmvMinor(1_000_000); // May
        day(first).setGmvMinor(6_000);
        day(first).setRepeatGmvMinor(1_000);
        day(D).setGmvMinor(4_000);
        day(D).setRepeatGmvMinor(3_000);
        day(D + 1).setGmvMinor(50_000);
        SellerHealth r = row(false);
        assertThat(r.getMonthGmvMinor()).isEqualTo(10_000);
        assertThat(r.getRepeatBuyerGmvMinor()).isEqualTo(4_000);
        assertThat(r.getRepeatBuyerGmvShare()).isEqualTo(0.4);
    }

    /**
     * An alert when a final day breaches what the last judged day met, and a recovery when it is
     * met again; a day with no value (no messages) keeps the last judgement.
     */
    @Test
    void shouldAlertOnABreachAndARecoveryAcrossDaysWithoutAValue() {
        Boolean[] previous = new Boolean[3];
        day(D).setMessagesDue(10);
        day(D).setAnsweredIn24h(10);
        assertThat(math.alerts(row(true), previous)).isEmpty(); // the first judgement
        day(D).setAnsweredIn24h(5);
        List<SellerHealthAlert> breach = math.alerts(row(true), previous);
        assertThat(breach)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.getMetric()).isEqualTo("response_rate");
                            assertThat(a.getKind()).isEqualTo("BREACH");
                            assertThat(a.getValue()).isEqualTo(0.5);
                            assertThat(a.getThreshold()).isEqualTo(0.9);
                        });
        assertThat(math.alerts(row(true), previous)).isEmpty(); // still breached: no new alert
        day(D).setMessagesDue(0);
        day(D).setAnsweredIn24h(0);
        assertThat(math.alerts(row(true), previous)).isEmpty(); // no value: nothing judged
        day(D).setMessagesDue(1);
        day(D).setAnsweredIn24h(1);
        assertThat(math.alerts(row(true), previous))
                .extracting(SellerHealthAlert::getKind)
                .containsExactly("RECOVERY");
    }
}
