package io.customerpulse.health;

import io.customerpulse.avro.SellerHealth;
import io.customerpulse.avro.SellerHealthAlert;
import io.customerpulse.avro.state.HealthDay;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The arithmetic of DESIGN section 12 on a marketplace's daily counts: the 90-day sums and rates of
 * a day, the month-to-date repeat-buyer GMV share, the thresholds, and the alerts between two final
 * days. Plain Java, unit-tested; {@link SellerHealthFunction} keeps the days.
 */
public final class SellerHealthMath implements Serializable {
    /** The window: the day and the 89 before it. */
    public static final int WINDOW_DAYS = 90;

    public static final String NEGATIVE = "negative_feedback_rate";
    public static final String POSITIVE = "positive_feedback_share";
    public static final String RESPONSE = "response_rate";

    private final SellerHealthSettings settings;

    public SellerHealthMath(SellerHealthSettings settings) {
        this.settings = settings;
    }

    /**
     * The row of {@code day} from the days' counts ({@code days.apply(d)}: null for a day without
     * any).
     */
    public SellerHealth row(String marketplace, int day, IntFunction<HealthDay> days, boolean fin) {
        long orders = 0, feedback = 0, negative = 0, positive = 0, due = 0, answered = 0;
        for (int d = day - WINDOW_DAYS + 1; d <= day; d++) {
            HealthDay h = days.apply(d);
            if (h != null) {
                orders += h.getOrders();
                feedback += h.getFeedback();
                negative += h.getNegativeFeedback();
                positive += h.getPositiveFeedback();
                due += h.getMessagesDue();
                answered += h.getAnsweredIn24h();
            }
        }
        long gmv = 0, repeat = 0;
        int first = (int) LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
        for (int d = first; d <= day; d++) {
            HealthDay h = days.apply(d);
            if (h != null) {
                gmv += h.getGmvMinor();
                repeat += h.getRepeatGmvMinor();
            }
        }
        SellerHealth r = new SellerHealth();
        r.setMarketplace(marketplace);
        r.setDay(LocalDate.ofEpochDay(day));
        r.setOrders90d(orders);
        r.setFeedback90d(feedback);
        r.setNegativeFeedback90d(negative);
        r.setPositiveFeedback90d(positive);
        r.setNegativeFeedbackRate(ratio(negative, orders));
        r.setPositiveFeedbackShare(ratio(positive, feedback));
        r.setMessagesDue90d(due);
        r.setAnsweredIn24h90d(answered);
        r.setResponseRate(ratio(answered, due));
        r.setMonthGmvMinor(gmv);
        r.setRepeatBuyerGmvMinor(repeat);
        r.setRepeatBuyerGmvShare(ratio(repeat, gmv));
        r.setNegativeFeedbackMax(settings.maxNegativeFeedbackRate());
        r.setPositiveFeedbackMin(settings.minPositiveFeedbackShare());
        r.setResponseRateMin(settings.minResponseRate());
        Double neg = r.getNegativeFeedbackRate();
        Double pos = r.getPositiveFeedbackShare();
        Double resp = r.getResponseRate();
        r.setNegativeFeedbackOk(neg == null ? null : neg < settings.maxNegativeFeedbackRate());
        r.setPositiveFeedbackOk(pos == null ? null : pos >= settings.minPositiveFeedbackShare());
        r.setResponseOk(resp == null ? null : resp >= settings.minResponseRate());
        r.setFinal$(fin);
        r.setVersion(fin ? 2 : 1);
        return r;
    }

    /**
     * The alerts of a final row against the last judgement of each metric before it ({@code
     * previous}: negative, positive, response; null where none was made yet); updates {@code
     * previous}.
     */
    public List<SellerHealthAlert> alerts(SellerHealth row, Boolean[] previous) {
        List<SellerHealthAlert> out = new ArrayList<>(0);
        check(
                row,
                NEGATIVE,
                row.getNegativeFeedbackOk(),
                row.getNegativeFeedbackRate(),
                settings.maxNegativeFeedbackRate(),
                previous,
                0,
                out);
        check(
                row,
                POSITIVE,
                row.getPositiveFeedbackOk(),
                row.getPositiveFeedbackShare(),
                settings.minPositiveFeedbackShare(),
                previous,
                1,
                out);
        check(
                row,
                RESPONSE,
                row.getResponseOk(),
                row.getResponseRate(),
                settings.minResponseRate(),
                previous,
                2,
                out);
        return out;
    }

    private static void check(
            SellerHealth row,
            String metric,
            Boolean ok,
            Double value,
            double threshold,
            Boolean[] previous,
            int i,
            List<SellerHealthAlert> out) {
        if (ok == null) {
            return; // no judgement today: the last one stands
        }
        if (previous[i] != null && previous[i] != ok.booleanValue()) {
            SellerHealthAlert a = new SellerHealthAlert();
            a.setMarketplace(row.getMarketplace());
            a.setDay(row.getDay());
            a.setMetric(metric);
            a.setKind(ok ? "RECOVERY" : "BREACH");
            a.setValue(value);
            a.setThreshold(threshold);
            out.add(a);
        }
        previous[i] = ok;
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
