package io.customerpulse.profile;

import java.util.Arrays;

/**
 * The orders a customer's state remembers for {@code dedup.order-retention} (DESIGN section 4), by
 * time ascending: order_id, time, total and what was refunded of it so far. They make money count
 * once: an order_id seen again (a producer retry under a new event_id) is not counted a second
 * time, and the refunds of a known order add up to its total at most. A return of an order not seen
 * yet is remembered too, at the return's time with total {@link #NOT_PLACED}, so that the order, if
 * it comes later, starts with what was already refunded of it. At most {@code dedup.max-order-ids}
 * are kept, the oldest forgotten first.
 *
 * <p>Parallel arrays, as {@code Clicks}: remembering an order allocates nothing once the arrays
 * have grown to the customer's usual count.
 */
public final class KnownOrders {
    /** The total of an order seen only through its returns so far. */
    public static final long NOT_PLACED = -1;

    private static final long[] NO_LONGS = {};
    private static final String[] NO_STRINGS = {};

    private int size;
    private String[] orderId = NO_STRINGS;
    private long[] at = NO_LONGS;
    private long[] total = NO_LONGS;
    private long[] refunded = NO_LONGS;

    public int size() {
        return size;
    }

    public String orderId(int i) {
        return orderId[i];
    }

    public long at(int i) {
        return at[i];
    }

    public long total(int i) {
        return total[i];
    }

    public long refunded(int i) {
        return refunded[i];
    }

    /** The index of {@code id}, or -1 when it is not known. */
    public int indexOf(String id) {
        for (int i = size - 1; i >= 0; i--) { // a retry is usually of a recent order
            if (orderId[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Remembers an order at its place by time (orders mostly come in time order: from the end);
     * past {@code max} the oldest is forgotten.
     */
    public void add(String id, long t, long totalMinor, long refundedMinor, int max) {
        int i = size;
        while (i > 0 && at[i - 1] > t) {
            i--;
        }
        if (size == orderId.length) {
            int capacity = Math.max(2, size * 2);
            orderId = Arrays.copyOf(orderId, capacity);
            at = Arrays.copyOf(at, capacity);
            total = Arrays.copyOf(total, capacity);
            refunded = Arrays.copyOf(refunded, capacity);
        }
        int tail = size - i;
        System.arraycopy(orderId, i, orderId, i + 1, tail);
        System.arraycopy(at, i, at, i + 1, tail);
        System.arraycopy(total, i, total, i + 1, tail);
        System.arraycopy(refunded, i, refunded, i + 1, tail);
        orderId[i] = id;
        at[i] = t;
        total[i] = totalMinor;
        refunded[i] = refundedMinor;
        size++;
        if (size > max) {
            removeFirst(size - max);
        }
    }

    /** Whether order {@code i} was placed (seen as an order, not only through its returns). */
    public boolean placed(int i) {
        return total[i] != NOT_PLACED;
    }

    /**
     * Refunds up to {@code amountMinor} of order {@code i}: what is left of its total at most, all
     * of it when the order was not placed yet. Returns the amount refunded.
     */
    public long refund(int i, long amountMinor) {
        long applied =
                placed(i)
                        ? Math.max(0, Math.min(amountMinor, total[i] - refunded[i]))
                        : amountMinor;
        refunded[i] += applied;
        return applied;
    }

    /** Forgets order {@code i}; returns what was refunded of it. */
    public long remove(int i) {
        long was = refunded[i];
        int tail = size - i - 1;
        System.arraycopy(orderId, i + 1, orderId, i, tail);
        System.arraycopy(at, i + 1, at, i, tail);
        System.arraycopy(total, i + 1, total, i, tail);
        System.arraycopy(refunded, i + 1, refunded, i, tail);
        orderId[--size] = null;
        return was;
    }

    /** Forgets the orders of time {@code t - retention} or before. */
    public void forget(long retentionMillis, long t) {
        int n = 0;
        while (n < size && at[n] + retentionMillis <= t) {
            n++;
        }
        removeFirst(n);
    }

    private void removeFirst(int n) {
        if (n <= 0) {
            return;
        }
        int rest = size - n;
        System.arraycopy(orderId, n, orderId, 0, rest);
        System.arraycopy(at, n, at, 0, rest);
        System.arraycopy(total, n, total, 0, rest);
        System.arraycopy(refunded, n, refunded, 0, rest);
        Arrays.fill(orderId, rest, size, null);
        size = rest;
    }

    /** A deep copy (without spare capacity). */
    public KnownOrders copy() {
        KnownOrders k = new KnownOrders();
        k.size = size;
        k.orderId = Arrays.copyOf(orderId, size);
        k.at = Arrays.copyOf(at, size);
        k.total = Arrays.copyOf(total, size);
        k.refunded = Arrays.copyOf(refunded, size);
        return k;
    }
}
