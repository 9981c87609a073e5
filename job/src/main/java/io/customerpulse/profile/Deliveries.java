package io.customerpulse.profile;

import java.util.Arrays;

/**
 * A customer's delivered orders for review requests (DESIGN section 11): each order's first
 * DELIVERED time, whether its request is decided, and the delivery's marketplace, by delivery time
 * ascending. An undecided one waits for its due time; a decided one is remembered (so that a second
 * DELIVERED of the order asks nothing) until the order id is forgotten (dedup.order-retention after
 * delivery). At most {@code max} are kept: past it the oldest decided one is forgotten first, then
 * the oldest undecided one (its request never made).
 */
final class Deliveries {
    private static final String[] NONE = {};
    private static final long[] NO_TIMES = {};
    private static final boolean[] NO_FLAGS = {};

    String[] orderIds = NONE;
    String[] marketplaces = NONE;
    long[] deliveredAt = NO_TIMES;
    boolean[] decided = NO_FLAGS;
    int size;

    /** Whether the order is here (delivered before, decided or not). */
    boolean contains(String orderId) {
        for (int i = 0; i < size; i++) {
            if (orderIds[i].equals(orderId)) {
                return true;
            }
        }
        return false;
    }

    /** Adds a delivery at its place in time; returns false when the order is already here. */
    boolean add(String orderId, String marketplace, long at, boolean isDecided, int max) {
        if (contains(orderId)) {
            return false;
        }
        if (size == orderIds.length) {
            int capacity = Math.max(2, size * 2);
            orderIds = Arrays.copyOf(orderIds, capacity);
            marketplaces = Arrays.copyOf(marketplaces, capacity);
            deliveredAt = Arrays.copyOf(deliveredAt, capacity);
            decided = Arrays.copyOf(decided, capacity);
        }
        int i = size;
        while (i > 0 && deliveredAt[i - 1] > at) {
            i--;
        }
        shift(i, i + 1, size - i);
        orderIds[i] = orderId;
        marketplaces[i] = marketplace;
        deliveredAt[i] = at;
        decided[i] = isDecided;
        size++;
        while (size > max) {
            int oldest = 0;
            while (oldest < size && !decided[oldest]) {
                oldest++;
            }
            remove(oldest == size ? 0 : oldest);
        }
        return true;
    }

    /** The earliest delivery time of an undecided request, {@link Customer#NONE} if none. */
    long firstUndecided() {
        for (int i = 0; i < size; i++) {
            if (!decided[i]) {
                return deliveredAt[i];
            }
        }
        return Customer.NONE;
    }

    /** Forgets decided deliveries at or before {@code until}. */
    void forgetDecided(long until) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (decided[i] && deliveredAt[i] <= until) {
                continue;
            }
            orderIds[kept] = orderIds[i];
            marketplaces[kept] = marketplaces[i];
            deliveredAt[kept] = deliveredAt[i];
            decided[kept] = decided[i];
            kept++;
        }
        for (int i = kept; i < size; i++) {
            orderIds[i] = null;
            marketplaces[i] = null;
        }
        size = kept;
    }

    private void remove(int i) {
        shift(i + 1, i, size - i - 1);
        size--;
        orderIds[size] = null;
        marketplaces[size] = null;
    }

    private void shift(int from, int to, int n) {
        System.arraycopy(orderIds, from, orderIds, to, n);
        System.arraycopy(marketplaces, from, marketplaces, to, n);
        System.arraycopy(deliveredAt, from, deliveredAt, to, n);
        System.arraycopy(decided, from, decided, to, n);
    }

    Deliveries copy() {
        Deliveries d = new Deliveries();
        d.orderIds = Arrays.copyOf(orderIds, size);
        d.marketplaces = Arrays.copyOf(marketplaces, size);
        d.deliveredAt = Arrays.copyOf(deliveredAt, size);
        d.decided = Arrays.copyOf(decided, size);
        d.size = size;
        return d;
    }
}
