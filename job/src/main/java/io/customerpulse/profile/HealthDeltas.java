package io.customerpulse.profile;

import io.customerpulse.avro.HealthDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seller-health counts (DESIGN section 12) summed per marketplace and UTC day between two flushes:
 * the customer operator adds what its steps contribute and, before each watermark and checkpoint
 * barrier, emits the sums as {@link HealthDelta}s — a few records per watermark instead of one per
 * event (the local half of a local-global aggregation).
 */
public final class HealthDeltas {
    public static final int EVENTS = 0;
    public static final int ORDERS = 1;
    public static final int GMV = 2;
    public static final int REPEAT_GMV = 3;
    public static final int FEEDBACK = 4;
    public static final int NEGATIVE = 5;
    public static final int POSITIVE = 6;
    public static final int MESSAGES_DUE = 7;
    public static final int ANSWERED = 8;
    static final int FIELDS = 9;

    static final long MILLIS_PER_DAY = 86_400_000L;

    private record Key(String marketplace, int day) {}

    private final Map<Key, long[]> sums = new HashMap<>();

    /** The UTC epoch day of an event time. */
    public static int day(long at) {
        return (int) Math.floorDiv(at, MILLIS_PER_DAY);
    }

    /** The sums last added to: an event's several counts, and the next event's, mostly hit it. */
    private String lastMarketplace;

    private int lastDay;
    private long[] last;

    public void add(String marketplace, int day, int field, long amount) {
        if (last == null || day != lastDay || !marketplace.equals(lastMarketplace)) {
            last = sums.computeIfAbsent(new Key(marketplace, day), k -> new long[FIELDS]);
            lastMarketplace = marketplace;
            lastDay = day;
        }
        last[field] += amount;
    }

    public boolean isEmpty() {
        return sums.isEmpty();
    }

    /** The sums as records, cleared. */
    public List<HealthDelta> drain() {
        List<HealthDelta> out = new ArrayList<>(sums.size());
        sums.forEach(
                (k, v) -> {
                    HealthDelta d = new HealthDelta();
                    d.setMarketplace(k.marketplace());
                    d.setDay(k.day());
                    d.setEvents(v[EVENTS]);
                    d.setOrders(v[ORDERS]);
                    d.setGmvMinor(v[GMV]);
                    d.setRepeatGmvMinor(v[REPEAT_GMV]);
                    d.setFeedback(v[FEEDBACK]);
                    d.setNegativeFeedback(v[NEGATIVE]);
                    d.setPositiveFeedback(v[POSITIVE]);
                    d.setMessagesDue(v[MESSAGES_DUE]);
                    d.setAnsweredIn24h(v[ANSWERED]);
                    out.add(d);
                });
        sums.clear();
        last = null;
        lastMarketplace = null;
        return out;
    }
}
