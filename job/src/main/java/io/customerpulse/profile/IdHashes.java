package io.customerpulse.profile;

import java.util.Arrays;

/**
 * The hashes of the ids a customer remembers ({@link SeenIds}, {@link KnownOrders}), as a multiset
 * in one int array (open addressing, linear probing): it says in a few probes that an id is
 * certainly not remembered, so the exact scan over the entries runs only for a duplicate or a hash
 * collision. Without it a customer at the cap of a thousand ids scanned a thousand entries per
 * event (BENCHMARKS.md section 2: one customer with a million events). It is derived from the
 * entries, never stored: built on first use after the customer is read, kept in step by every add
 * and remove.
 *
 * <p>Hash 0 marks an empty slot, so it is kept as 1: that only adds a collision.
 */
final class IdHashes {
    private int[] slots = new int[16];
    private int size;

    /** The time of the latest entry of the ids it indexes ({@link SeenIds} keeps it here). */
    long lastAt = Long.MIN_VALUE;

    boolean mayContain(int hash) {
        int k = key(hash);
        int mask = slots.length - 1;
        for (int i = home(k, mask); slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == k) {
                return true;
            }
        }
        return false;
    }

    void add(int hash) {
        if (2 * (size + 1) > slots.length) {
            int[] old = slots;
            slots = new int[old.length * 2];
            for (int k : old) {
                if (k != 0) {
                    insert(k);
                }
            }
        }
        insert(key(hash));
        size++;
    }

    /** Removes one occurrence of {@code hash} (backward-shift deletion: no tombstones). */
    void remove(int hash) {
        int k = key(hash);
        int mask = slots.length - 1;
        int i = home(k, mask);
        while (slots[i] != k) {
            if (slots[i] == 0) {
                return; // not there
            }
            i = (i + 1) & mask;
        }
        for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int h = home(slots[j], mask);
            // the entry at j may move to the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
            if (!stays) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = 0;
        size--;
    }

    int size() {
        return size;
    }

    private void insert(int k) {
        int mask = slots.length - 1;
        int i = home(k, mask);
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = k;
    }

    private static int key(int hash) {
        return hash == 0 ? 1 : hash;
    }

    private static int home(int k, int mask) {
        int h = k * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    @Override
    public String toString() {
        return "IdHashes" + Arrays.toString(slots);
    }
}
