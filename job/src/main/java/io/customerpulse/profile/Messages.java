package io.customerpulse.profile;

import java.util.Arrays;

/**
 * A customer's buyer messages waiting for their 24-hour reply deadline (DESIGN section 12), by
 * message time: each one's event id, time, marketplace and whether a reply came in time.
 */
final class Messages {
    private static final String[] NONE = {};

    String[] ids = NONE;
    String[] marketplaces = NONE;
    long[] at = {};
    boolean[] answered = {};
    int size;

    void add(String id, String marketplace, long time, boolean isAnswered) {
        if (size == ids.length) {
            int capacity = Math.max(2, size * 2);
            ids = Arrays.copyOf(ids, capacity);
            marketplaces = Arrays.copyOf(marketplaces, capacity);
            at = Arrays.copyOf(at, capacity);
            answered = Arrays.copyOf(answered, capacity);
        }
        int i = size;
        while (i > 0 && at[i - 1] > time) {
            i--;
        }
        System.arraycopy(ids, i, ids, i + 1, size - i);
        System.arraycopy(marketplaces, i, marketplaces, i + 1, size - i);
        System.arraycopy(at, i, at, i + 1, size - i);
        System.arraycopy(answered, i, answered, i + 1, size - i);
        ids[i] = id;
        marketplaces[i] = marketplace;
        at[i] = time;
        answered[i] = isAnswered;
        size++;
    }

    int find(String id) {
        for (int i = 0; i < size; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    void removeFirst() {
        System.arraycopy(ids, 1, ids, 0, size - 1);
        System.arraycopy(marketplaces, 1, marketplaces, 0, size - 1);
        System.arraycopy(at, 1, at, 0, size - 1);
        System.arraycopy(answered, 1, answered, 0, size - 1);
        size--;
        ids[size] = null;
        marketplaces[size] = null;
    }

    Messages copy() {
        Messages m = new Messages();
        m.ids = Arrays.copyOf(ids, size);
        m.marketplaces = Arrays.copyOf(marketplaces, size);
        m.at = Arrays.copyOf(at, size);
        m.answered = Arrays.copyOf(answered, size);
        m.size = size;
        return m;
    }
}
