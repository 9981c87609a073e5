package io.customerpulse.profile;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The customers the operator keeps decoded in memory, so that an event or a step of a recently seen
 * customer costs no state access (the operator shell's buffer, like the bundle of Flink SQL's
 * mini-batch operators). Per entry it tracks:
 *
 * <ul>
 *   <li>recency: past {@code maxCustomers} an entry not used since the clock hand last passed it is
 *       evicted (CLOCK, an approximation of least recently used), written back first when dirty;
 *   <li>whether it is dirty (changed since it was last written back): past {@code maxDirty} the
 *       entries dirty the longest are written back (and stay cached), so that the flush before a
 *       checkpoint barrier writes at most that many;
 *   <li>its waiting events: past {@code maxWaiting} of them in cached entries, the entries holding
 *       them longest are evicted (their events go to keyed state, with a timer); and the time of
 *       its first waiting event, in a heap, so that the operator finds the entries whose events the
 *       watermark has passed without scanning.
 * </ul>
 *
 * <p>Every entry has a slot number, and the structures touched on every event — the clock bits, the
 * two FIFO queues and the heap — hold slot numbers and flags, not references: a cached entry lives
 * in the old generation, and writing references into old objects on every event is what makes a
 * garbage collector's write barriers and card refinement expensive (measured: BENCHMARKS.md).
 * Queues are lazy: an entry that left a queue by another way (cleaned at a checkpoint, evicted) is
 * skipped when its stale ticket comes up. Writing back is the operator's ({@link WriteBack}); the
 * cache only decides when.
 */
final class CustomerCache {
    /** One cached customer. */
    static final class Entry {
        final String key;
        final Customer customer;
        final int slot;

        /**
         * Used again since it was cached or the clock hand last passed it. A new entry gets its
         * slot behind the hand, so it has a full turn of the hand before it can be evicted.
         */
        boolean referenced;

        boolean dirty;

        /** The ticket of its place in the dirty queue, and in the waiting queue. */
        long dirtyTicket;

        long waitingTicket;

        /** Waiting events counted for it in the cache's total. */
        int waiting;

        /**
         * Up to when the customer was erased ({@link Customer#NONE}: never), read from keyed state
         * the first time an event needs it ({@code erasureRead}).
         */
        long erasedAt;

        boolean erasureRead;

        /** The time of its first waiting event in the heap, {@code Long.MAX_VALUE} if none. */
        long wake = Long.MAX_VALUE;

        /** The ticket of its current item in the heap. */
        long wakeTicket;

        Entry(String key, Customer customer, int slot) {
            this.key = key;
            this.customer = customer;
            this.slot = slot;
        }
    }

    /** Writes an entry's customer back to keyed state (and arms its timer). */
    interface WriteBack {
        void write(Entry entry) throws Exception;
    }

    private final int maxCustomers;
    private final int maxDirty;
    private int dirtyCap; // maxDirty, or less as a checkpoint barrier nears
    private final int maxWaiting;
    private final WriteBack writeBack;

    private final HashMap<String, Entry> entries = new HashMap<>(1 << 12);
    private Entry[] slots = new Entry[64];
    private int slotsUsed; // slots ever handed out
    private int[] free = new int[16];
    private int freeCount;
    private int hand;

    private final Queue dirtyQueue = new Queue();
    private final Queue waitingQueue = new Queue();
    private long tickets;
    private int dirtyCount;
    private int waitingEvents;

    private long[] heapWake = new long[64];
    private int[] heapSlot = new int[64];
    private long[] heapTicket = new long[64];
    private int heapSize;

    CustomerCache(int maxCustomers, int maxDirty, int maxWaiting, WriteBack writeBack) {
        this.maxCustomers = maxCustomers;
        this.maxDirty = maxDirty;
        this.dirtyCap = maxDirty;
        this.maxWaiting = maxWaiting;
        this.writeBack = writeBack;
    }

    /** The cached entry of {@code key}, or null. */
    Entry get(String key) {
        Entry e = entries.get(key);
        if (e != null && !e.referenced) {
            e.referenced = true;
        }
        return e;
    }

    /**
     * Caches a customer just read from keyed state (not dirty); first evicts an entry if the cache
     * is full.
     */
    Entry add(String key, Customer customer) throws Exception {
        while (entries.size() >= maxCustomers) {
            evictOne();
        }
        int slot = freeCount > 0 ? free[--freeCount] : newSlot();
        Entry e = new Entry(key, customer, slot);
        slots[slot] = e;
        entries.put(key, e);
        countWaiting(e);
        return e;
    }

    /**
     * Records that an entry changed: it is dirty, and its waiting events are counted and queued.
     * Then the caps are enforced, which may write back or evict any entry, this one too.
     */
    void changed(Entry e) throws Exception {
        if (!e.dirty) {
            e.dirty = true;
            e.dirtyTicket = ++tickets;
            pruneDirty();
            dirtyQueue.add(e.slot, e.dirtyTicket);
            dirtyCount++;
        }
        countWaiting(e);
        while (dirtyCount > dirtyCap) {
            clean(nextDirty());
        }
        while (waitingEvents > maxWaiting) {
            Entry holding = nextWaiting();
            if (holding == null) {
                break;
            }
            evict(holding);
        }
    }

    /**
     * Takes the next entry whose first waiting event is at or before {@code t} out of the heap, or
     * returns null when there is none. The caller advances it and reports it {@link #changed}.
     */
    Entry pollDue(long t) {
        while (heapSize > 0 && heapWake[0] <= t) {
            Entry e = top();
            popHeap();
            if (e != null) {
                e.wake = Long.MAX_VALUE;
                return e;
            }
        }
        return null;
    }

    /**
     * Lowers (or restores) how many dirty entries may stay: {@code fraction} of {@code maxDirty}.
     * The operator lowers it as a checkpoint barrier nears, so the entries are written back a few
     * at a time with the events instead of all at once in front of the barrier.
     */
    void dirtyCap(double fraction) {
        dirtyCap = (int) Math.max(0, Math.min(maxDirty, Math.round(maxDirty * fraction)));
    }

    /** Writes back every dirty entry; they stay cached. */
    void flush() throws Exception {
        while (dirtyCount > 0) {
            clean(nextDirty());
        }
        dirtyQueue.clear(); // what is left is stale
    }

    int size() {
        return entries.size();
    }

    int dirtyCount() {
        return dirtyCount;
    }

    int waitingEvents() {
        return waitingEvents;
    }

    /** Tickets held by the two queues, stale ones included (tests: they stay bounded). */
    int queued() {
        return dirtyQueue.size + waitingQueue.size;
    }

    private int newSlot() {
        if (slotsUsed == slots.length) {
            slots = Arrays.copyOf(slots, slots.length * 2);
        }
        return slotsUsed++;
    }

    /** Counts an entry's waiting events and keeps its first one in the heap. */
    private void countWaiting(Entry e) {
        int now = e.customer.pending.size();
        waitingEvents += now - e.waiting;
        if (now > 0 && e.waiting == 0) {
            e.waitingTicket = ++tickets;
            pruneWaiting();
            waitingQueue.add(e.slot, e.waitingTicket);
        }
        e.waiting = now;
        long first = e.customer.firstPendingAt();
        if (first != e.wake) {
            wakeAt(e, first);
        }
    }

    /**
     * Drops stale tickets from the head of the dirty queue (an entry cleaned by a flush or an
     * eviction), so that the queue stays about as long as there are dirty entries.
     */
    private void pruneDirty() {
        while (!dirtyQueue.isEmpty() && !isDirty(dirtyQueue.headSlot(), dirtyQueue.headTicket())) {
            dirtyQueue.pop();
        }
    }

    private boolean isDirty(int slot, long ticket) {
        Entry e = slots[slot];
        return e != null && e.dirty && e.dirtyTicket == ticket;
    }

    /** The same for the waiting queue: entries whose events were applied leave it at its head. */
    private void pruneWaiting() {
        while (!waitingQueue.isEmpty()
                && !isWaiting(waitingQueue.headSlot(), waitingQueue.headTicket())) {
            waitingQueue.pop();
        }
    }

    private boolean isWaiting(int slot, long ticket) {
        Entry e = slots[slot];
        return e != null && e.waiting > 0 && e.waitingTicket == ticket;
    }

    /** The entry dirty the longest (skipping stale tickets). */
    private Entry nextDirty() {
        while (true) {
            int slot = dirtyQueue.headSlot();
            long ticket = dirtyQueue.headTicket();
            dirtyQueue.pop();
            if (isDirty(slot, ticket)) {
                return slots[slot];
            }
        }
    }

    /** The cached entry holding waiting events the longest, or null. */
    private Entry nextWaiting() {
        while (!waitingQueue.isEmpty()) {
            int slot = waitingQueue.headSlot();
            long ticket = waitingQueue.headTicket();
            waitingQueue.pop();
            if (isWaiting(slot, ticket)) {
                return slots[slot];
            }
        }
        return null;
    }

    private void clean(Entry e) throws Exception {
        writeBack.write(e);
        e.dirty = false;
        dirtyCount--;
    }

    /** CLOCK: passes used entries (taking their mark) and evicts the first unused one. */
    private void evictOne() throws Exception {
        while (true) {
            if (hand >= slotsUsed) {
                hand = 0;
            }
            Entry e = slots[hand++];
            if (e == null) {
                continue;
            }
            if (e.referenced) {
                e.referenced = false;
            } else {
                evict(e);
                return;
            }
        }
    }

    private void evict(Entry e) throws Exception {
        if (e.dirty) {
            clean(e);
        }
        entries.remove(e.key);
        slots[e.slot] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = e.slot;
        e.wake = Long.MAX_VALUE; // its heap item is stale now
        waitingEvents -= e.waiting;
        e.waiting = 0;
    }

    /** A FIFO of (slot, ticket) pairs in primitive arrays, growing as needed. */
    private static final class Queue {
        private int[] slot = new int[64];
        private long[] ticket = new long[64];
        private int head;
        private int size;

        void add(int s, long t) {
            if (size == slot.length) {
                int[] slots = new int[size * 2];
                long[] tickets = new long[size * 2];
                for (int i = 0; i < size; i++) {
                    slots[i] = slot[(head + i) % slot.length];
                    tickets[i] = ticket[(head + i) % slot.length];
                }
                slot = slots;
                ticket = tickets;
                head = 0;
            }
            int at = (head + size) % slot.length;
            slot[at] = s;
            ticket[at] = t;
            size++;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int headSlot() {
            return slot[head];
        }

        long headTicket() {
            return ticket[head];
        }

        void pop() {
            head = (head + 1) % slot.length;
            size--;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }

    // the heap: a binary min-heap of (time, slot, ticket) in primitive arrays. Lazy: an entry
    // whose first waiting event changed gets a new item and its old one is skipped when it comes
    // up (its ticket no longer matches), so moving an entry never writes into the entry itself.

    private void wakeAt(Entry e, long at) {
        e.wake = at;
        if (at == Long.MAX_VALUE) {
            return; // its item, if any, is stale now
        }
        e.wakeTicket = ++tickets;
        if (heapSize == heapWake.length) {
            heapWake = Arrays.copyOf(heapWake, heapSize * 2);
            heapSlot = Arrays.copyOf(heapSlot, heapSize * 2);
            heapTicket = Arrays.copyOf(heapTicket, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heapWake[parent] <= at) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        heapWake[i] = at;
        heapSlot[i] = e.slot;
        heapTicket[i] = e.wakeTicket;
    }

    /** The entry of the heap's top item if it is current (not stale), else null. */
    private Entry top() {
        Entry e = slots[heapSlot[0]];
        return e != null && e.wakeTicket == heapTicket[0] && e.wake == heapWake[0] ? e : null;
    }

    /** Removes the heap's top item. */
    private void popHeap() {
        int last = --heapSize;
        if (last == 0) {
            return;
        }
        long wake = heapWake[last];
        int slot = heapSlot[last];
        long ticket = heapTicket[last];
        int i = 0;
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && heapWake[right] < heapWake[child]) {
                child = right;
            }
            if (wake <= heapWake[child]) {
                break;
            }
            move(child, i);
            i = child;
        }
        heapWake[i] = wake;
        heapSlot[i] = slot;
        heapTicket[i] = ticket;
    }

    private void move(int from, int to) {
        heapWake[to] = heapWake[from];
        heapSlot[to] = heapSlot[from];
        heapTicket[to] = heapTicket[from];
    }
}
