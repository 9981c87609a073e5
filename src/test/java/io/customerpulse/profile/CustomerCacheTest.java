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
    void shouldEvictTheLeastRecentlyUsedAndWriteItBackOnlyWhenChanged() throws Exception {
        CustomerCache cache = cache(2, 10, 10);
        CustomerCache.Entry a = cache.add("a", new Customer());
        cache.add("b", new Customer());
        cache.changed(a, Long.MAX_VALUE);
        cache.get("a"); // a is now more recent than b
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
            cache.changed(cache.add(k, new Customer()), Long.MAX_VALUE);
        }
        assertThat(written).containsExactly("a");
        assertThat(cache.dirtyCount()).isEqualTo(2);
        assertThat(cache.get("a")).isNotNull();
        cache.changed(cache.get("b"), Long.MAX_VALUE); // still dirty: keeps its place
        cache.changed(cache.add("d", new Customer()), Long.MAX_VALUE);
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
        cache.changed(a, 1);
        CustomerCache.Entry b = cache.add("b", new Customer());
        b.customer.addPending(interaction("b", T0));
        cache.changed(b, 1);
        assertThat(cache.waitingEvents()).isEqualTo(3);
        b.customer.addPending(interaction("b", T0.plusSeconds(2)));
        cache.changed(b, 1); // 4 > 3: the customer holding them longest goes to state
        assertThat(written).containsExactly("a");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.waitingEvents()).isEqualTo(2);
    }

    @Test
    void shouldHandOutDueCustomersInWakeOrderAndForgetMovedWakes() throws Exception {
        CustomerCache cache = cache(10, 10, 10);
        CustomerCache.Entry a = cache.add("a", new Customer());
        CustomerCache.Entry b = cache.add("b", new Customer());
        CustomerCache.Entry c = cache.add("c", new Customer());
        cache.wakeAt(a, 30);
        cache.wakeAt(b, 10);
        cache.wakeAt(c, 20);
        cache.wakeAt(a, 5); // earlier
        cache.wakeAt(b, 40); // later
        assertThat(cache.pollDue(25)).isSameAs(a);
        assertThat(cache.pollDue(25)).isSameAs(c);
        assertThat(cache.pollDue(25)).isNull();
        cache.wakeAt(b, Long.MAX_VALUE); // nothing due any more
        assertThat(cache.pollDue(Long.MAX_VALUE)).isNull();
    }

    @Test
    void shouldKeepTheHeapInOrderThroughManyMoves() throws Exception {
        CustomerCache cache = cache(1_000, 1_000, 1_000);
        java.util.Random random = new java.util.Random(3);
        java.util.Map<CustomerCache.Entry, Long> wakes = new java.util.HashMap<>();
        List<CustomerCache.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entries.add(cache.add("k" + i, new Customer()));
        }
        for (int i = 0; i < 5_000; i++) { // earlier, later, never, again
            CustomerCache.Entry e = entries.get(random.nextInt(200));
            long wake = random.nextInt(20) == 0 ? Long.MAX_VALUE : random.nextInt(10_000);
            cache.wakeAt(e, wake);
            wakes.put(e, wake);
        }
        long due = wakes.values().stream().filter(w -> w < 5_000).count();
        long previous = Long.MIN_VALUE;
        int polled = 0;
        for (CustomerCache.Entry e; (e = cache.pollDue(4_999)) != null; ) {
            assertThat(wakes.get(e)).isGreaterThanOrEqualTo(previous).isLessThan(5_000);
            previous = wakes.get(e);
            polled++;
        }
        assertThat(polled).isEqualTo(due).isPositive();
    }
}
