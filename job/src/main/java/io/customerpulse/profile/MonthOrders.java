package io.customerpulse.profile;

import java.util.Arrays;

/**
 * A customer's orders per marketplace in the current and the previous calendar month (UTC): how
 * many and the first one's GMV, for the repeat-buyer GMV share (DESIGN section 12).
 */
final class MonthOrders {
    private static final String[] NONE = {};

    String[] marketplaces = NONE;
    int[] months = {};
    int[] counts = {};
    long[] firstGmv = {};
    int size;

    int find(String marketplace, int month) {
        for (int i = 0; i < size; i++) {
            if (months[i] == month && marketplaces[i].equals(marketplace)) {
                return i;
            }
        }
        return -1;
    }

    void add(String marketplace, int month, int count, long gmv) {
        if (size == marketplaces.length) {
            int capacity = Math.max(2, size * 2);
            marketplaces = Arrays.copyOf(marketplaces, capacity);
            months = Arrays.copyOf(months, capacity);
            counts = Arrays.copyOf(counts, capacity);
            firstGmv = Arrays.copyOf(firstGmv, capacity);
        }
        marketplaces[size] = marketplace;
        months[size] = month;
        counts[size] = count;
        firstGmv[size] = gmv;
        size++;
    }

    /** Forgets the months before {@code month}. */
    void forgetBefore(int month) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (months[i] < month) {
                continue;
            }
            marketplaces[kept] = marketplaces[i];
            months[kept] = months[i];
            counts[kept] = counts[i];
            firstGmv[kept] = firstGmv[i];
            kept++;
        }
        for (int i = kept; i < size; i++) {
            marketplaces[i] = null;
        }
        size = kept;
    }

    MonthOrders copy() {
        MonthOrders m = new MonthOrders();
        m.marketplaces = Arrays.copyOf(marketplaces, size);
        m.months = Arrays.copyOf(months, size);
        m.counts = Arrays.copyOf(counts, size);
        m.firstGmv = Arrays.copyOf(firstGmv, size);
        m.size = size;
        return m;
    }
}
