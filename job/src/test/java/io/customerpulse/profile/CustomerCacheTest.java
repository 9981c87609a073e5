package io.customerpulse.profile;

import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's cache of decoded customers: recency, dirtiness, waiting events, wake times. */
class CustomerCacheTest {
    private final List<String> written = new ArrayList<>();

    private CustomerCache cache(int maxCustomers, int maxDirty, int maxWaiting) {
        return new CustomerCache(maxCustomers, maxDirty, maxWaiting, e -> written.add(e.key));
    }

    @Test
    void shouldEvictACustomerNotUsedSinceTheClockPassedAndWriteItBackOnlyWhenChanged()
            throws Exception {
        CustomerCache cache = cache(2, 10, 10);
        CustomerCache.Entry a = cache.add("a", new Customer());
        cache.add("b", new Customer());
        cache.changed(a);
        cache.get("a"); // a is used again, b is not
        cache.add("c", new Customer());
        assertThat(cache.get("b")).isNull(); // evicted, clean: not written
        assertThat(written).isEmpty();
        cache.add("d", new Customer()); // evicts a, which is dirty
        assertThat(written).containsExactly("a");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void shouldWriteBackTheLongestDirtyPastTheDirtyCapAndKeepThemCached() throws Exception {
        CustomerCache cache = cache(10, 2, 10);
        for (String k : List.of("a", "b", "c")) {
            cache.changed(cache.add(k, new Customer()));
        }
        assertThat(written).containsExactly("a");
        assertThat(cache.dirtyCount()).isEqualTo(2);
        assertThat(cache.get("a")).isNotNull();
        cache.changed(cache.get("b")); // still dirty: keeps its place
        cache.changed(cache.add("d", new Customer()));
        assertThat(written).containsExactly("a", "b");
        cache.flush();
        assertThat(written).containsExactly("a", "b", "c", "d");
        assertThat(cache.dirtyCount()).isZero();
    }

    @Test
    void shouldMoveWaitingEventsToStatePastTheCap() throws Exception {
        CustomerCache cache = cache(10, 10, 3);
        CustomerCache.Entry a = cache.add("a", new Customer());
        a.customer.addPending(interaction("a", T0));
        a.customer.addPending(interaction("a", T0.plusSeconds(1)));
        cache.changed(a);
        CustomerCache.Entry b = cache.add("b", new Customer());
        b.customer.addPending(interaction("b", T0));
        cache.changed(b);
        assertThat(cache.waitingEvents()).isEqualTo(3);
        b.customer.addPending(interaction("b", T0.plusSeconds(2)));
        cache.changed(b); // 4 > 3: the customer holding them longest goes to state
        assertThat(written).containsExactly("a");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.waitingEvents()).isEqualTo(2);
    }

    @Test
    void shouldHandOutCustomersByTheirFirstWaitingEventOnceTheWatermarkPassesIt() throws Exception {
        CustomerCache cache = cache(10, 10, 10);
        CustomerCache.Entry a = cache.add("a", new Customer());
        CustomerCache.Entry b = cache.add("b", new Customer());
        CustomerCache.Entry c = cache.add("c", new Customer());
        wait(cache, a, 30);
        wait(cache, b, 10);
        wait(cache, c, 20);
        wait(cache, a, 5); // an earlier event comes first
        assertThat(cache.pollDue(4)).isNull();
        assertThat(cache.pollDue(25)).isSameAs(a);
        assertThat(cache.pollDue(25)).isSameAs(b);
        assertThat(cache.pollDue(25)).isSameAs(c);
        assertThat(cache.pollDue(Long.MAX_VALUE)).isNull(); // taken out until changed again
        a.customer.pending.remove(0); // the event at 5 was applied
        cache.changed(a); // still waiting for the one at 30
        assertThat(cache.pollDue(29)).isNull();
        assertThat(cache.pollDue(30)).isSameAs(a);
        a.customer.pending.clear();
        cache.changed(a);
        assertThat(cache.pollDue(Long.MAX_VALUE)).isNull();
        assertThat(cache.waitingEvents()).isEqualTo(2); // b and c were not applied here
    }

    @Test
    void shouldKeepTheHeapInOrderThroughManyMoves() throws Exception {
        CustomerCache cache = cache(1_000, 1_000, 100_000);
        java.util.Random random = new java.util.Random(3);
        List<CustomerCache.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entries.add(cache.add("k" + i, new Customer()));
        }
        for (int i = 0; i < 3_000; i++) { // earlier, later, none
            CustomerCache.Entry e = entries.get(random.nextInt(200));
            e.customer.pending.clear();
            if (random.nextInt(10) > 0) {
                wait(cache, e, random.nextInt(10_000));
            } else {
                cache.changed(e);
            }
        }
        long due = entries.stream().filter(e -> e.customer.firstPendingAt() < 5_000).count();
        long previous = Long.MIN_VALUE;
        int polled = 0;
        for (CustomerCache.Entry e; (e = cache.pollDue(4_999)) != null; ) {
            long first = e.customer.firstPendingAt();
            assertThat(first).isGreaterThanOrEqualTo(previous).isLessThan(5_000);
            previous = first;
            polled++;
        }
        assertThat(polled).isEqualTo(due).isPositive();
    }

    @Test
    void shouldKeepItsQueuesAsShortAsTheDirtyAndWaitingEntries() throws Exception {
        CustomerCache cache = cache(100, 100, 1_000);
        List<CustomerCache.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(cache.add("k" + i, new Customer()));
        }
        for (int i = 0; i < 100_000; i++) { // events wait, are applied, are written back
            CustomerCache.Entry e = entries.get(i % 100);
            wait(cache, e, i);
            e.customer.pending.clear();
            cache.changed(e);
            if (i % 1_000 == 0) {
                cache.flush();
            }
        }
        assertThat(cache.queued()).isLessThanOrEqualTo(2 * 100);
    }

    /** A waiting event of {@code e}'s customer at {@code t}. */
    private static void wait(CustomerCache cache, CustomerCache.Entry e, long t) throws Exception {
        e.customer.addPending(interaction(e.key, java.time.Instant.ofEpochMilli(t)));
        cache.changed(e);
    }
}
