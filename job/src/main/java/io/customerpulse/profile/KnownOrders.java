package io.customerpulse.profile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The orders a customer's state remembers for {@code dedup.order-retention} (DESIGN section 4), by
 * time ascending: order_id, time, total and what was refunded of it so far. They make money count
 * once: an order_id seen again (a producer retry under a new event_id) is not counted a second
 * time, and the refunds of a known order add up to its total at most. A return of an order not seen
 * yet is remembered too, at the return's time with total {@link #NOT_PLACED}, so that the order, if
 * it comes later, starts with what was already refunded of it (its total at most: the engine takes
 * the excess back from the customer's refunds). At most {@code dedup.max-order-ids} are kept: past
 * it the oldest tenth is forgotten at once.
 *
 * <p>One byte array, as {@link SeenIds}: each entry {@code [time: 8][total: 8][refunded: 8][hash:
 * 4][length: 2][order_id, UTF-8]}, addressed by its offset (the first entry is at 0). Remembering
 * an order copies its id's bytes instead of keeping the event's String: a cached customer lives in
 * the old generation, where every reference written costs the garbage collector (BENCHMARKS.md).
 * Ids are at most validation.max-id-length (256) characters, so the length fits two bytes.
 */
public final class KnownOrders {
    /** The total of an order seen only through its returns so far. */
    public static final long NOT_PLACED = -1;

    static final int HEADER = 30;
    private static final byte[] NO_BYTES = {};

    private byte[] data = NO_BYTES;
    private int length;
    private int size;

    /**
     * The offset of the last entry, -1 when there is none: orders mostly come in time order, and
     * one not earlier than the last goes to the end without a scan (a customer read back from
     * state, whose entries were written in order, too: that was quadratic in its orders).
     */
    private int last = -1;

    /** The hashes of the entries, built on first {@link #find}: derived, not stored. */
    private IdHashes index;

    public int size() {
        return size;
    }

    /** The hash {@link #find} and {@link #add} take: of the order id's UTF-8 bytes. */
    public static int hash(byte[] id) {
        return Arrays.hashCode(id);
    }

    /** The offset of the entry of order id {@code id} (UTF-8), or -1 when it is not known. */
    public int find(byte[] id, int hash) {
        if (index == null) {
            index = new IdHashes();
            for (int p = 0; p < length; p = next(p)) {
                index.add(getInt(p + 24));
            }
        }
        if (!index.mayContain(hash)) {
            return -1; // most orders: no scan
        }
        for (int p = 0; p < length; p = next(p)) {
            if (getInt(p + 24) == hash
                    && idLength(p) == id.length
                    && Arrays.equals(data, p + HEADER, p + HEADER + id.length, id, 0, id.length)) {
                return p;
            }
        }
        return -1;
    }

    /** The offset of the entry after the one at {@code p} ({@link #length} past the last). */
    int next(int p) {
        return p + HEADER + idLength(p);
    }

    /** The bytes used (the end of the last entry). */
    int length() {
        return length;
    }

    public long at(int p) {
        return getLong(p);
    }

    public long total(int p) {
        return getLong(p + 8);
    }

    public long refunded(int p) {
        return getLong(p + 16);
    }

    /** The order id of the entry at {@code p} (a new String: for tests and logs). */
    public String orderId(int p) {
        return new String(data, p + HEADER, idLength(p), StandardCharsets.UTF_8);
    }

    int idLength(int p) {
        return ((data[p + 28] & 0xFF) << 8) | (data[p + 29] & 0xFF);
    }

    /**
     * The UTF-8 bytes of the order id at {@code p}, for the serializer: {@code bytes()[p + 30..]}.
     */
    byte[] bytes() {
        return data;
    }

    /** Whether the order at {@code p} was placed (seen as an order, not only through returns). */
    public boolean placed(int p) {
        return total(p) != NOT_PLACED;
    }

    /**
     * Refunds up to {@code amountMinor} of the order at {@code p}: what is left of its total at
     * most, all of it when the order was not placed yet. Returns the amount refunded.
     */
    public long refund(int p, long amountMinor) {
        long applied =
                placed(p)
                        ? Math.max(0, Math.min(amountMinor, total(p) - refunded(p)))
                        : amountMinor;
        putLong(p + 16, refunded(p) + applied);
        return applied;
    }

    /** Forgets the entry at {@code p}; returns what was refunded of it. */
    public long remove(int p) {
        long was = refunded(p);
        if (index != null) {
            index.remove(getInt(p + 24));
        }
        int end = next(p);
        System.arraycopy(data, end, data, p, length - end);
        length -= end - p;
        size--;
        if (p < last) {
            last -= end - p;
        } else if (p == last) { // the one before it, if any
            last = -1;
            for (int q = 0; q < length; q = next(q)) {
                last = q;
            }
        }
        return was;
    }

    /**
     * Remembers an order at its place by time (after every entry not later); past {@code max} the
     * oldest is forgotten.
     */
    public void add(byte[] id, int hash, long at, long total, long refunded, int max) {
        int p = 0;
        if (last >= 0 && at(last) <= at) {
            p = length;
        } else {
            while (p < length && at(p) <= at) {
                p = next(p);
            }
        }
        int entry = HEADER + id.length;
        if (length + entry > data.length) {
            data = Arrays.copyOf(data, Math.max(64, Math.max(length + entry, data.length * 2)));
        }
        System.arraycopy(data, p, data, p + entry, length - p);
        putLong(p, at);
        putLong(p + 8, total);
        putLong(p + 16, refunded);
        putInt(p + 24, hash);
        data[p + 28] = (byte) (id.length >>> 8);
        data[p + 29] = (byte) id.length;
        System.arraycopy(id, 0, data, p + HEADER, id.length);
        last = p == length ? p : last + entry;
        length += entry;
        size++;
        if (index != null) {
            index.add(hash);
        }
        if (size > max) {
            removeFirst(size - max + max / 10); // the oldest tenth at once: one copy, not one each
        }
    }

    /**
     * Forgets the orders of time before {@code t - retention}: one whose retention ends on {@code
     * t} is still known to that millisecond's events (a limit on a step's millisecond comes after
     * its events, DESIGN section 3, as the attribution ledger's return window does).
     */
    public void forget(long retentionMillis, long t) {
        int n = 0;
        for (int p = 0; p < length && at(p) + retentionMillis < t; p = next(p)) {
            n++;
        }
        removeFirst(n);
    }

    /** Forgets the {@code n} oldest entries, with one copy of what stays. */
    private void removeFirst(int n) {
        if (n <= 0) {
            return;
        }
        int p = 0;
        for (int i = 0; i < n && p < length; i++) {
            if (index != null) {
                index.remove(getInt(p + 24));
            }
            p = next(p);
        }
        System.arraycopy(data, p, data, 0, length - p);
        length -= p;
        size -= n;
        last = size == 0 ? -1 : last - p;
    }

    /** A deep copy (without spare capacity). */
    public KnownOrders copy() {
        KnownOrders k = new KnownOrders();
        k.data = Arrays.copyOf(data, length);
        k.length = length;
        k.size = size;
        k.last = last;
        return k;
    }

    private long getLong(int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[p + i] & 0xFF);
        }
        return v;
    }

    private int getInt(int p) {
        return ((data[p] & 0xFF) << 24)
                | ((data[p + 1] & 0xFF) << 16)
                | ((data[p + 2] & 0xFF) << 8)
                | (data[p + 3] & 0xFF);
    }

    private void putLong(int p, long v) {
        for (int i = 7; i >= 0; i--) {
            data[p + i] = (byte) v;
            v >>>= 8;
        }
    }

    private void putInt(int p, int v) {
        data[p] = (byte) (v >>> 24);
        data[p + 1] = (byte) (v >>> 16);
        data[p + 2] = (byte) (v >>> 8);
        data[p + 3] = (byte) v;
    }
}
