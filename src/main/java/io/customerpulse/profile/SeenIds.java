package io.customerpulse.profile;

import io.customerpulse.avro.CustomerEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * Bounded de-duplication by event_id (DESIGN section 2): ids are remembered for at least the
 * retention in event time, and at most {@code maxIds} per customer, the oldest forgotten first. The
 * ids live in the customer's state ({@link Customer#seenIds}, by event time).
 */
public final class SeenIds implements Serializable {
    private final long retentionMillis;
    private final int maxIds;

    public SeenIds(Duration retention, int maxIds) {
        this.retentionMillis = retention.toMillis();
        this.maxIds = maxIds;
    }

    /**
     * True if the event was seen before (a duplicate); otherwise remembers it and returns false.
     */
    public boolean checkAndRemember(Customer c, CustomerEvent e) {
        String id = e.getEventId();
        int hash = id.hashCode();
        String[] ids = c.seenIds;
        for (int i = 0; i < c.seenCount; i++) {
            if (ids[i].hashCode() == hash && ids[i].equals(id)) {
                return true;
            }
        }
        long at = e.getEventTime().toEpochMilli();
        int n = c.seenCount;
        if (n == c.seenIds.length) {
            int grown = Math.max(4, n * 2);
            c.seenIds = Arrays.copyOf(c.seenIds, grown);
            c.seenAt = Arrays.copyOf(c.seenAt, grown);
        }
        int i = n;
        while (i > 0 && c.seenAt[i - 1] > at) {
            i--;
        }
        System.arraycopy(c.seenIds, i, c.seenIds, i + 1, n - i);
        System.arraycopy(c.seenAt, i, c.seenAt, i + 1, n - i);
        c.seenIds[i] = id;
        c.seenAt[i] = at;
        c.seenCount = n + 1;
        if (c.seenCount > maxIds) {
            removeFirst(c, c.seenCount - maxIds);
        }
        return false;
    }

    /** Forgets ids older than the retention before {@code now}. */
    public void forget(Customer c, long now) {
        int n = 0;
        while (n < c.seenCount && c.seenAt[n] <= now - retentionMillis) {
            n++;
        }
        removeFirst(c, n);
    }

    private static void removeFirst(Customer c, int n) {
        if (n <= 0) {
            return;
        }
        int rest = c.seenCount - n;
        System.arraycopy(c.seenIds, n, c.seenIds, 0, rest);
        System.arraycopy(c.seenAt, n, c.seenAt, 0, rest);
        Arrays.fill(c.seenIds, rest, c.seenCount, null);
        c.seenCount = rest;
    }
}
