package io.customerpulse.attribution;

import java.util.Arrays;

/**
 * The ad clicks a customer's state keeps for the attribution window, in click order: by time, equal
 * times by event_id, so the latest click is the last one. Parallel arrays, not a list of records:
 * adding a click allocates nothing once the arrays have grown to the customer's usual count.
 */
public final class Clicks {
    private static final long[] NO_LONGS = {};
    private static final String[] NO_STRINGS = {};

    private int size;
    private long[] at = NO_LONGS;
    private String[] eventId = NO_STRINGS;
    private String[] campaign = NO_STRINGS;
    private long[] cost = NO_LONGS;

    public int size() {
        return size;
    }

    public long at(int i) {
        return at[i];
    }

    public String eventId(int i) {
        return eventId[i];
    }

    public String campaign(int i) {
        return campaign[i];
    }

    public long cost(int i) {
        return cost[i];
    }

    /** Whether click {@code i} comes before a click at {@code t} with event id {@code id}. */
    private boolean before(int i, long t, String id) {
        return at[i] < t || (at[i] == t && eventId[i].compareTo(id) < 0);
    }

    /**
     * Inserts a click in click order; past {@code max} clicks the oldest is dropped. Clicks mostly
     * arrive in time order, so the insertion point is found from the end.
     */
    public void add(String id, long t, String campaignId, long costMinor, int max) {
        int i = size;
        while (i > 0 && !before(i - 1, t, id)) {
            i--;
        }
        ensure(size + 1);
        int tail = size - i;
        System.arraycopy(at, i, at, i + 1, tail);
        System.arraycopy(eventId, i, eventId, i + 1, tail);
        System.arraycopy(campaign, i, campaign, i + 1, tail);
        System.arraycopy(cost, i, cost, i + 1, tail);
        at[i] = t;
        eventId[i] = id;
        campaign[i] = campaignId;
        cost[i] = costMinor;
        size++;
        if (size > max) {
            removeFirst(size - max);
        }
    }

    /** Appends a click known to come after every kept one (restoring from state). */
    public void append(String id, long t, String campaignId, long costMinor) {
        ensure(size + 1);
        at[size] = t;
        eventId[size] = id;
        campaign[size] = campaignId;
        cost[size] = costMinor;
        size++;
    }

    /** Drops the clicks with {@code at + window <= t} ({@code inclusive}) or {@code < t}. */
    public void forget(long window, long t, boolean inclusive) {
        int n = 0;
        while (n < size && (inclusive ? at[n] + window <= t : at[n] + window < t)) {
            n++;
        }
        removeFirst(n);
    }

    /**
     * The first click that may be credited with an order at {@code orderAt}: {@code orderAt -
     * window < c}; {@link #size()} if none.
     */
    public int firstEligible(long orderAt, long window) {
        int i = 0;
        while (i < size && at[i] <= orderAt - window) {
            i++;
        }
        return i;
    }

    /** One past the last click at or before {@code orderAt}. */
    public int endEligible(long orderAt) {
        int i = size;
        while (i > 0 && at[i - 1] > orderAt) {
            i--;
        }
        return i;
    }

    private void removeFirst(int n) {
        if (n <= 0) {
            return;
        }
        int rest = size - n;
        System.arraycopy(at, n, at, 0, rest);
        System.arraycopy(eventId, n, eventId, 0, rest);
        System.arraycopy(campaign, n, campaign, 0, rest);
        System.arraycopy(cost, n, cost, 0, rest);
        Arrays.fill(eventId, rest, size, null);
        Arrays.fill(campaign, rest, size, null);
        size = rest;
    }

    private void ensure(int capacity) {
        if (capacity <= at.length) {
            return;
        }
        int grown = Math.max(capacity, Math.max(2, at.length * 2));
        at = Arrays.copyOf(at, grown);
        eventId = Arrays.copyOf(eventId, grown);
        campaign = Arrays.copyOf(campaign, grown);
        cost = Arrays.copyOf(cost, grown);
    }

    /** A deep copy. */
    public Clicks copy() {
        Clicks c = new Clicks();
        c.size = size;
        c.at = Arrays.copyOf(at, size);
        c.eventId = Arrays.copyOf(eventId, size);
        c.campaign = Arrays.copyOf(campaign, size);
        c.cost = Arrays.copyOf(cost, size);
        return c;
    }
}
