package io.customerpulse.profile;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;

/**
 * The customers the operator keeps decoded in memory, so that an event or a step of a recently seen
 * customer costs no state access (the operator shell's buffer, like the bundle of Flink SQL's
 * mini-batch operators). It knows three things of each entry:
 *
 * <ul>
 *   <li>its recency: past {@code maxCustomers} the least recently used entry is evicted, written
 *       back first when dirty;
 *   <li>whether it is dirty (changed since it was last written back): past {@code maxDirty} the
 *       entries dirty the longest are written back (and stay cached), so that the flush before a
 *       checkpoint barrier writes at most that many;
 *   <li>when it is next due (its wake time), in a heap ordered by it, so that the operator finds
 *       the entries whose waiting events or limits the watermark has passed without scanning.
 * </ul>
 *
 * Past {@code maxWaiting} waiting events held in cached entries, the entries holding them longest
 * are evicted (their waiting events go to keyed state, with a timer). Writing back is the
 * operator's ({@link WriteBack}): the cache only decides when.
 */
final class CustomerCache {
    /** One cached customer. */
    static final class Entry {
        final String key;
        final Customer customer;
        boolean dirty;
        boolean cached = true;

        /** When it is next due, {@code Long.MAX_VALUE} if never; its place in the heap, or -1. */
        long wake = Long.MAX_VALUE;

        int heapIndex = -1;

        /** Waiting events counted for it in {@link #waitingEvents}. */
        int waiting;

        Entry(String key, Customer customer) {
            this.key = key;
            this.customer = customer;
        }
    }

    /** Writes an entry's customer back to keyed state (and registers its timer). */
    interface WriteBack {
        void write(Entry entry) throws Exception;
    }

    private final int maxCustomers;
    private final int maxDirty;
    private final int maxWaiting;
    private final WriteBack writeBack;

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final LinkedHashSet<Entry> dirty = new LinkedHashSet<>();
    private final LinkedHashSet<Entry> holdingWaiting = new LinkedHashSet<>();
    private int waitingEvents;

    private Entry[] heap = new Entry[64];
    private int heapSize;

    CustomerCache(int maxCustomers, int maxDirty, int maxWaiting, WriteBack writeBack) {
        this.maxCustomers = maxCustomers;
        this.maxDirty = maxDirty;
        this.maxWaiting = maxWaiting;
        this.writeBack = writeBack;
    }

    /** The cached entry of {@code key} (now the most recently used), or null. */
    Entry get(String key) {
        return entries.get(key);
    }

    /**
     * Caches a customer just read from keyed state (not dirty); evicts the least recently used
     * entries past the cap.
     */
    Entry add(String key, Customer customer) throws Exception {
        Entry e = new Entry(key, customer);
        entries.put(key, e);
        count(e);
        while (entries.size() > maxCustomers) {
            evict(entries.values().iterator().next());
        }
        return e;
    }

    /**
     * Records that an entry changed: it is dirty, its waiting events are counted, and it wakes at
     * {@code due}. Then the caps are enforced (which may write back or evict any entry, this one
     * too).
     */
    void changed(Entry e, long due) throws Exception {
        if (!e.dirty) {
            e.dirty = true;
            dirty.add(e);
        }
        count(e);
        wakeAt(e, due);
        enforceCaps();
    }

    /** Moves an entry's wake time (earlier or later). */
    void wakeAt(Entry e, long due) {
        if (due == Long.MAX_VALUE) {
            if (e.heapIndex >= 0) {
                removeFromHeap(e);
            }
            e.wake = Long.MAX_VALUE;
            return;
        }
        long before = e.wake;
        e.wake = due;
        if (e.heapIndex < 0) {
            ensureHeap();
            e.heapIndex = heapSize;
            heap[heapSize++] = e;
            siftUp(e.heapIndex);
        } else if (due < before) {
            siftUp(e.heapIndex);
        } else {
            siftDown(e.heapIndex);
        }
    }

    /**
     * Takes the next entry due at or before {@code t} out of the heap (its wake is reset: the
     * caller advances it and sets the next), or null when none is.
     */
    Entry pollDue(long t) {
        if (heapSize == 0 || heap[0].wake > t) {
            return null;
        }
        Entry e = heap[0];
        removeFromHeap(e);
        e.wake = Long.MAX_VALUE;
        return e;
    }

    /** Writes back every dirty entry; they stay cached. */
    void flush() throws Exception {
        while (!dirty.isEmpty()) {
            clean(dirty.iterator().next());
        }
    }

    int size() {
        return entries.size();
    }

    int dirtyCount() {
        return dirty.size();
    }

    int waitingEvents() {
        return waitingEvents;
    }

    private void enforceCaps() throws Exception {
        while (dirty.size() > maxDirty) {
            clean(dirty.iterator().next());
        }
        while (waitingEvents > maxWaiting && !holdingWaiting.isEmpty()) {
            evict(holdingWaiting.iterator().next());
        }
    }

    /** Keeps the count of waiting events up to date for an entry. */
    private void count(Entry e) {
        int now = e.customer.pending.size();
        waitingEvents += now - e.waiting;
        if (now > 0 && e.waiting == 0) {
            holdingWaiting.add(e);
        } else if (now == 0 && e.waiting > 0) {
            holdingWaiting.remove(e);
        }
        e.waiting = now;
    }

    private void clean(Entry e) throws Exception {
        writeBack.write(e);
        e.dirty = false;
        dirty.remove(e);
    }

    private void evict(Entry e) throws Exception {
        if (e.dirty) {
            clean(e);
        }
        entries.remove(e.key);
        e.cached = false;
        if (e.heapIndex >= 0) {
            removeFromHeap(e);
        }
        waitingEvents -= e.waiting;
        if (e.waiting > 0) {
            holdingWaiting.remove(e);
        }
        e.waiting = 0;
    }

    // the heap: a binary min-heap of entries by wake time, each entry knowing its index

    private void ensureHeap() {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
    }

    private void removeFromHeap(Entry e) {
        int i = e.heapIndex;
        Entry last = heap[--heapSize];
        heap[heapSize] = null;
        e.heapIndex = -1;
        if (last != e) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.wake <= e.wake) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && heap[right].wake < heap[child].wake) {
                child = right;
            }
            if (e.wake <= heap[child].wake) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    /** Every cached entry (tests). */
    Iterator<Entry> iterator() {
        return entries.values().iterator();
    }
}
