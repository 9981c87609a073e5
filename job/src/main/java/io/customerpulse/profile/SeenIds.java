package io.customerpulse.profile;

import io.customerpulse.avro.CustomerEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Bounded de-duplication by event_id (DESIGN section 2): ids are remembered for at least the
 * retention in event time, and at most {@code maxIds} per customer, the oldest forgotten first.
 *
 * <p>The ids live in the customer's state as one byte array ({@link Customer#seen}), oldest first,
 * each as {@code [event time: 8][hash: 4][length: 2][UTF-8 bytes]}: remembering an id copies its
 * bytes instead of keeping the event's String. {@link IdHashes} (derived, not stored) says in a few
 * probes whether an id can be among them, so most events scan nothing. A cached customer lives in
 * the old generation, and storing a reference to a new object in it on every event is what makes
 * the garbage collector's write barrier and card scanning expensive (BENCHMARKS.md); bytes are not
 * references. Ids are at most validation.max-id-length (256) characters, so the length fits two
 * bytes.
 */
public final class SeenIds implements Serializable {
    static final int HEADER = 14;

    private final long retentionMillis;
    private final int maxIds;

    public SeenIds(Duration retention, int maxIds) {
        this.retentionMillis = retention.toMillis();
        this.maxIds = maxIds;
    }

    /**
     * True if the event was seen before (a duplicate); otherwise remembers it and returns false.
     * Past {@code maxIds} the oldest tenth is forgotten at once: forgetting one id per event would
     * copy the whole array every time once a busy customer is at the cap.
     */
    public boolean checkAndRemember(Customer c, CustomerEvent e) {
        byte[] id = e.getEventId().getBytes(StandardCharsets.UTF_8);
        int hash = Arrays.hashCode(id);
        IdHashes index = index(c);
        if (index.mayContain(hash)) { // a duplicate, or a hash shared with another id
            byte[] seen = c.seen;
            for (int p = 0; p < c.seenLength; ) {
                int length = length(seen, p);
                if (hash(seen, p) == hash
                        && length == id.length
                        && Arrays.equals(seen, p + HEADER, p + HEADER + length, id, 0, length)) {
                    return true;
                }
                p += HEADER + length;
            }
        }
        remember(c, e.getEventTime().toEpochMilli(), hash, id, index.lastAt);
        if (c.seenCount > maxIds) {
            removeFirst(c, c.seenCount - maxIds + maxIds / 10);
        }
        return false;
    }

    /** The customer's {@link IdHashes} of the remembered ids, built on first use. */
    static IdHashes index(Customer c) {
        IdHashes index = c.seenIndex;
        if (index == null) {
            index = new IdHashes();
            for (int p = 0; p < c.seenLength; p += HEADER + length(c.seen, p)) {
                index.add(hash(c.seen, p));
                index.lastAt = at(c.seen, p);
            }
            c.seenIndex = index;
        }
        return index;
    }

    /** Forgets ids older than the retention before {@code now}. */
    public void forget(Customer c, long now) {
        int n = 0;
        for (int p = 0; p < c.seenLength && at(c.seen, p) <= now - retentionMillis; n++) {
            p += HEADER + length(c.seen, p);
        }
        removeFirst(c, n);
    }

    /**
     * Adds an id at its place by event time (ids mostly come in time order: from the end); {@code
     * lastAt} is the time of the last id held (any value when none is).
     */
    static void remember(Customer c, long at, int hash, byte[] id, long lastAt) {
        int size = HEADER + id.length;
        if (c.seenLength + size > c.seen.length) {
            c.seen =
                    Arrays.copyOf(
                            c.seen, Math.max(64, Math.max(c.seenLength + size, c.seen.length * 2)));
        }
        int p = c.seenLength; // insertion point: after every entry not later than at
        if (c.seenCount > 0 && at < lastAt) {
            p = 0;
            while (p < c.seenLength && at(c.seen, p) <= at) {
                p += HEADER + length(c.seen, p);
            }
            System.arraycopy(c.seen, p, c.seen, p + size, c.seenLength - p);
        }
        putLong(c.seen, p, at);
        putInt(c.seen, p + 8, hash);
        c.seen[p + 12] = (byte) (id.length >>> 8);
        c.seen[p + 13] = (byte) id.length;
        System.arraycopy(id, 0, c.seen, p + HEADER, id.length);
        c.seenLength += size;
        c.seenCount++;
        IdHashes index = c.seenIndex;
        if (index != null) {
            index.add(hash);
            index.lastAt = Math.max(index.lastAt, at);
        }
    }

    private static void removeFirst(Customer c, int n) {
        if (n <= 0) {
            return;
        }
        IdHashes index = c.seenIndex;
        int p = 0;
        for (int i = 0; i < n; i++) {
            if (index != null) {
                index.remove(hash(c.seen, p));
            }
            p += HEADER + length(c.seen, p);
        }
        System.arraycopy(c.seen, p, c.seen, 0, c.seenLength - p);
        c.seenLength -= p;
        c.seenCount -= n;
        if (index != null && c.seenCount == 0) {
            index.lastAt = Long.MIN_VALUE;
        }
    }

    static long at(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        return v;
    }

    private static int hash(byte[] b, int p) {
        return ((b[p + 8] & 0xFF) << 24)
                | ((b[p + 9] & 0xFF) << 16)
                | ((b[p + 10] & 0xFF) << 8)
                | (b[p + 11] & 0xFF);
    }

    static int length(byte[] b, int p) {
        return ((b[p + 12] & 0xFF) << 8) | (b[p + 13] & 0xFF);
    }

    private static void putLong(byte[] b, int p, long v) {
        for (int i = 7; i >= 0; i--) {
            b[p + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    /** Remembers an id of {@code at} (state restored from its other forms). */
    static void remember(Customer c, String id, long at) {
        remember(c, at, id.getBytes(StandardCharsets.UTF_8));
    }

    /** Remembers the UTF-8 bytes of an id of {@code at}, at its place. */
    static void remember(Customer c, long at, byte[] id) {
        remember(c, at, Arrays.hashCode(id), id, index(c).lastAt);
    }

    /**
     * Appends the UTF-8 bytes of an id of {@code at}, not earlier than any held: state being read,
     * written in time order (no index is built for it until an event needs one).
     */
    static void append(Customer c, long at, byte[] id) {
        remember(c, at, Arrays.hashCode(id), id, Long.MIN_VALUE);
    }
}
