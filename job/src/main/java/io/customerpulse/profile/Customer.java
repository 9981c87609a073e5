package io.customerpulse.profile;

import io.customerpulse.attribution.AttributionState;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One customer's state, as the customer operator keeps it (DESIGN section 4): the cumulative
 * counters, the order times of the 90-day window, the segment and its history, the attribution
 * part, the known orders, the de-duplication ids, the events waiting for the watermark, the CLV
 * models' counters and the registered timer. Times are epoch milliseconds, {@link #NONE} when
 * absent.
 *
 * <p>Plain mutable Java with primitive fields and small arrays, so that applying an event allocates
 * almost nothing; {@link CustomerSerializer} writes it compactly into keyed state. The rules that
 * change it live in {@link ProfileEngine}, {@link SeenIds}, {@link KnownOrders}, {@link
 * RepeatPurchases} and the attribution package; {@link Schedule} says when its next step is due.
 */
public final class Customer {
    /** An absent time (and an absent acquisition cost). */
    public static final long NONE = Long.MIN_VALUE;

    static final long[] NO_LONGS = {};
    static final String[] NO_STRINGS = {};
    static final byte[] NO_BYTES = {};

    long ordersTotal;
    long gmvMinor;
    long refundsMinor;
    long returnedOrders;

    /** Distinct returned order ids, oldest first, capped by state.max-returned-order-ids. */
    String[] returnedIds = NO_STRINGS;

    int returnedIdCount;

    /** The orders of the order-id retention: counted once, refunds capped ({@link KnownOrders}). */
    KnownOrders orders = new KnownOrders();

    /** Times of the orders still inside the orders_90d window, ascending. */
    long[] orderTimes = NO_LONGS;

    int orderCount;

    long firstOrderAt = NONE;
    long secondOrderAt = NONE;
    long lastOrderAt = NONE;
    long lastInteractionAt = NONE;

    /** Has clicked, interacted or returned something: a PROSPECT before any order (DESIGN 5). */
    boolean engaged;

    Segment segment;
    long segmentSince = NONE;

    /** When the customer last left HIGH_VALUE. */
    long highValueUntil = NONE;

    long version;

    /** Event time of the last step applied. */
    long now = NONE;

    /** The latest event time of any event applied: the customer expires inactive-after later. */
    long lastEventAt = NONE;

    AttributionState ads;

    /** Event ids of the de-duplication horizon, by event time ascending ({@link SeenIds}). */
    byte[] seen = NO_BYTES;

    int seenLength;
    int seenCount;

    /** The hashes of {@link #seen}, built on first use: derived, not stored ({@link SeenIds}). */
    transient IdHashes seenIndex;

    /** Events waiting for the watermark, by event time, then event id. */
    final ArrayList<CustomerEvent> pending;

    /** Delivered orders and their review requests (DESIGN section 11). */
    Deliveries deliveries = new Deliveries();

    /** When a HIGH_VALUE_REWARD was last DUE (its cooldown), and any marketing action (the cap). */
    long lastRewardAt = NONE;

    long lastMarketingAt = NONE;

    /** The event time of the latest COMPLAINT or low-rated FEEDBACK (holds marketing). */
    long lastComplaintAt = NONE;

    /** The last_order_at whose repurchase reminder is decided (one per last order). */
    long reminderFor = NONE;

    /** The marketplace of the last order (the marketing actions'). */
    String lastOrderMarketplace;

    /** Buyer messages waiting for their reply deadline (seller health, DESIGN section 12). */
    Messages messages = new Messages();

    /** Orders per marketplace this month and last (the repeat-buyer GMV share). */
    MonthOrders months = new MonthOrders();

    /** The earliest event-time timer registered for this customer that has not fired. */
    long wakeUpAt = NONE;

    /** Distinct UTC days with an order: the CLV models' purchases (x = purchaseDays - 1). */
    int purchaseDays;

    long firstDayValueMinor;
    long repeatValueMinor;

    public Customer() {
        this(new AttributionState(), new ArrayList<>(0));
    }

    private Customer(AttributionState ads, ArrayList<CustomerEvent> pending) {
        this.ads = ads;
        this.pending = pending;
    }

    public AttributionState ads() {
        return ads;
    }

    public Segment segment() {
        return segment;
    }

    /** The event time of the last step applied, {@link #NONE} before the first. */
    public long now() {
        return now;
    }

    public long wakeUpAt() {
        return wakeUpAt;
    }

    /** The waiting events, in the order they will be applied (read-only view). */
    public List<CustomerEvent> pending() {
        return java.util.Collections.unmodifiableList(pending);
    }

    public int seenIdCount() {
        return seenCount;
    }

    /** orders_90d. */
    public int orders90d() {
        return orderCount;
    }

    /**
     * Retention and erasure (DESIGN section 13): forgets the customer's whole history — every field
     * back to a new customer's — keeping only the events still waiting (they come after it and
     * start the next history) and the registered timer (still registered).
     */
    void clearHistory() {
        Customer fresh = new Customer();
        ordersTotal = fresh.ordersTotal;
        gmvMinor = fresh.gmvMinor;
        refundsMinor = fresh.refundsMinor;
        returnedOrders = fresh.returnedOrders;
        returnedIds = fresh.returnedIds;
        returnedIdCount = fresh.returnedIdCount;
        orders = fresh.orders;
        orderTimes = fresh.orderTimes;
        orderCount = fresh.orderCount;
        firstOrderAt = fresh.firstOrderAt;
        secondOrderAt = fresh.secondOrderAt;
        lastOrderAt = fresh.lastOrderAt;
        lastInteractionAt = fresh.lastInteractionAt;
        engaged = fresh.engaged;
        segment = fresh.segment;
        segmentSince = fresh.segmentSince;
        highValueUntil = fresh.highValueUntil;
        version = fresh.version;
        now = fresh.now;
        lastEventAt = fresh.lastEventAt;
        ads = fresh.ads;
        seen = fresh.seen;
        seenLength = fresh.seenLength;
        seenCount = fresh.seenCount;
        seenIndex = null;
        deliveries = fresh.deliveries;
        lastRewardAt = fresh.lastRewardAt;
        lastMarketingAt = fresh.lastMarketingAt;
        lastComplaintAt = fresh.lastComplaintAt;
        reminderFor = fresh.reminderFor;
        lastOrderMarketplace = fresh.lastOrderMarketplace;
        messages = fresh.messages;
        months = fresh.months;
        purchaseDays = fresh.purchaseDays;
        firstDayValueMinor = fresh.firstDayValueMinor;
        repeatValueMinor = fresh.repeatValueMinor;
    }

    /**
     * Nothing to keep: no history, nothing waiting and no timer registered — the customer's keyed
     * state is cleared instead of written.
     */
    public boolean isEmpty() {
        return now == NONE && pending.isEmpty() && wakeUpAt == NONE;
    }

    /** Inserts a waiting event at its place: by event time, then event id. */
    void addPending(CustomerEvent e) {
        long at = e.getEventTime().toEpochMilli();
        int i = pending.size();
        while (i > 0) {
            CustomerEvent p = pending.get(i - 1);
            long pAt = p.getEventTime().toEpochMilli();
            if (pAt < at || (pAt == at && p.getEventId().compareTo(e.getEventId()) <= 0)) {
                break;
            }
            i--;
        }
        pending.add(i, e);
    }

    /** The time of the first waiting event, {@code Long.MAX_VALUE} if none. */
    long firstPendingAt() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.get(0).getEventTime().toEpochMilli();
    }

    /** The number of waiting events of time {@code t} at the head of the queue. */
    int pendingAt(long t) {
        int n = 0;
        while (n < pending.size() && pending.get(n).getEventTime().toEpochMilli() == t) {
            n++;
        }
        return n;
    }

    /** Removes the first {@code n} waiting events (applied). */
    void removeFirstPending(int n) {
        pending.subList(0, n).clear();
    }

    void addOrderTime(long at) {
        if (orderCount == orderTimes.length) {
            orderTimes = Arrays.copyOf(orderTimes, Math.max(4, orderCount * 2));
        }
        int i = orderCount;
        while (i > 0 && orderTimes[i - 1] > at) {
            i--;
        }
        System.arraycopy(orderTimes, i, orderTimes, i + 1, orderCount - i);
        orderTimes[i] = at;
        orderCount++;
    }

    void removeFirstOrderTimes(int n) {
        System.arraycopy(orderTimes, n, orderTimes, 0, orderCount - n);
        orderCount -= n;
    }

    /** A deep copy (events are immutable in the operator and are shared). */
    public Customer copy() {
        Customer c = new Customer(ads.copy(), new ArrayList<>(pending));
        c.ordersTotal = ordersTotal;
        c.gmvMinor = gmvMinor;
        c.refundsMinor = refundsMinor;
        c.returnedOrders = returnedOrders;
        c.returnedIds = Arrays.copyOf(returnedIds, returnedIdCount);
        c.returnedIdCount = returnedIdCount;
        c.orders = orders.copy();
        c.orderTimes = Arrays.copyOf(orderTimes, orderCount);
        c.orderCount = orderCount;
        c.firstOrderAt = firstOrderAt;
        c.secondOrderAt = secondOrderAt;
        c.lastOrderAt = lastOrderAt;
        c.lastInteractionAt = lastInteractionAt;
        c.engaged = engaged;
        c.segment = segment;
        c.segmentSince = segmentSince;
        c.highValueUntil = highValueUntil;
        c.version = version;
        c.now = now;
        c.lastEventAt = lastEventAt;
        c.seen = Arrays.copyOf(seen, seenLength);
        c.seenLength = seenLength;
        c.seenCount = seenCount;
        c.wakeUpAt = wakeUpAt;
        c.purchaseDays = purchaseDays;
        c.firstDayValueMinor = firstDayValueMinor;
        c.repeatValueMinor = repeatValueMinor;
        c.deliveries = deliveries.copy();
        c.lastRewardAt = lastRewardAt;
        c.lastMarketingAt = lastMarketingAt;
        c.lastComplaintAt = lastComplaintAt;
        c.reminderFor = reminderFor;
        c.lastOrderMarketplace = lastOrderMarketplace;
        c.messages = messages.copy();
        c.months = months.copy();
        return c;
    }
}
