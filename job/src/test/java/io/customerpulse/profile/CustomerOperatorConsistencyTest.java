package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * The cache is an optimisation, not a semantics: whatever its bounds, the state backend, or a
 * restore from a checkpoint in the middle, the operator gives exactly the same outputs for the same
 * events and watermarks. A cache of one customer with no dirty or waiting room sends every event
 * and every step through keyed state and timers.
 */
class CustomerOperatorConsistencyTest {
    private static final Duration BOUND = Duration.ofHours(1);

    /** Events in arrival order, with the watermark to send after each (or null). */
    private record Input(CustomerEvent event, Instant watermarkAfter) {}

    private static List<Input> scenario() {
        Random random = new Random(11);
        List<CustomerEvent> events = new ArrayList<>();
        Map<String, List<String>> orders = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            String c = "c" + random.nextInt(40);
            Instant at = T0.plusSeconds(i * 5_000L + random.nextInt(3_000));
            CustomerEvent e =
                    switch (random.nextInt(7)) {
                        case 0, 1 -> order(c, 1_000 + random.nextInt(20_000), at);
                        case 2, 3 -> click(c, "SP-" + random.nextInt(3), 50, at);
                        case 4 -> {
                            List<String> mine = orders.get(c);
                            yield mine == null
                                    ? interaction(c, at)
                                    : refund(c, mine.get(random.nextInt(mine.size())), 700, at);
                        }
                        default -> interaction(c, at);
                    };
            if (e.getOrderId() != null && e.getKind() == io.customerpulse.avro.EventKind.ORDER) {
                orders.computeIfAbsent(c, k -> new ArrayList<>()).add(e.getOrderId());
            }
            events.add(e);
            if (random.nextInt(50) == 0) {
                events.add(e); // a duplicate
            }
        }
        // displaced within the bound, the watermark following the largest time seen
        List<CustomerEvent> arrival = new ArrayList<>(events);
        for (int i = 0; i + 1 < arrival.size(); i++) {
            if (random.nextInt(3) == 0) {
                CustomerEvent a = arrival.get(i);
                CustomerEvent b = arrival.get(i + 1);
                if (Duration.between(a.getEventTime(), b.getEventTime()).compareTo(BOUND) < 0) {
                    Collections.swap(arrival, i, i + 1);
                }
            }
        }
        List<Input> inputs = new ArrayList<>();
        Instant max = Instant.MIN;
        for (int i = 0; i < arrival.size(); i++) {
            CustomerEvent e = arrival.get(i);
            max = e.getEventTime().isAfter(max) ? e.getEventTime() : max;
            boolean tick = i % 7 == 6;
            inputs.add(new Input(e, tick ? max.minus(BOUND) : null));
            if (i % 500 == 250) { // now and then an event far behind the watermark
                inputs.add(new Input(interaction(e.getCustomerId(), max.minus(DAY)), null));
            }
        }
        return inputs;
    }

    private static final List<Input> INPUTS = scenario();
    private static final Instant END = T0.plus(DAY.multipliedBy(400));

    private static JobConfig config(int customers, int dirty, int waiting) {
        return JobConfig.parse(
                Map.of(
                        "profile.cache.max-customers", Integer.toString(customers),
                        "profile.cache.max-dirty", Integer.toString(dirty),
                        "profile.cache.max-waiting-events", Integer.toString(waiting)));
    }

    /** Runs every input, optionally checkpointing and restoring after {@code restoreAt} inputs. */
    private static List<String> run(JobConfig config, StateBackend backend, int restoreAt)
            throws Exception {
        List<String> out = new ArrayList<>();
        ProfileHarness h = new ProfileHarness(config, null, backend);
        Instant watermark = null;
        try {
            for (int i = 0; i < INPUTS.size(); i++) {
                if (i == restoreAt) {
                    OperatorSubtaskState snapshot = h.snapshot();
                    collect(h, out);
                    h.close();
                    h = new ProfileHarness(config, snapshot, backend);
                    if (watermark != null) {
                        h.watermark(watermark); // as the sources soon send again
                    }
                }
                Input in = INPUTS.get(i);
                h.send(in.event());
                if (in.watermarkAfter() != null) {
                    watermark = in.watermarkAfter();
                    h.watermark(watermark);
                }
            }
            h.watermark(END);
            assertThat(h.timers()).isPositive();
            collect(h, out);
        } finally {
            h.close();
        }
        Collections.sort(out);
        return out;
    }

    private static void collect(ProfileHarness h, List<String> out) {
        h.profiles().forEach(p -> out.add("P " + p));
        h.changes().forEach(c -> out.add("S " + c));
        h.alerts().forEach(a -> out.add("A " + a));
        h.deltas().forEach(d -> out.add("D " + d));
        h.late().forEach(l -> out.add("L " + l));
    }

    @Test
    void shouldGiveTheSameOutputsWhateverTheCacheBoundsBackendOrARestore() throws Exception {
        List<String> expected = run(JobConfig.defaults(), new EmbeddedRocksDBStateBackend(), -1);
        assertThat(expected).hasSizeGreaterThan(3_000);
        assertThat(expected).anyMatch(s -> s.startsWith("L ")).anyMatch(s -> s.startsWith("D "));

        JobConfig tiny = config(1, 0, 0);
        JobConfig small = config(5, 2, 3);
        assertThat(run(tiny, new EmbeddedRocksDBStateBackend(), -1))
                .as("tiny cache")
                .isEqualTo(expected);
        assertThat(run(small, new EmbeddedRocksDBStateBackend(), -1))
                .as("small cache")
                .isEqualTo(expected);
        assertThat(run(JobConfig.defaults(), new HashMapStateBackend(), -1))
                .as("heap")
                .isEqualTo(expected);
        assertThat(run(small, new HashMapStateBackend(), -1))
                .as("heap, small cache")
                .isEqualTo(expected);
        assertThat(run(JobConfig.defaults(), new EmbeddedRocksDBStateBackend(), 1_700))
                .as("restored")
                .isEqualTo(expected);
        assertThat(run(tiny, new EmbeddedRocksDBStateBackend(), 1_700))
                .as("restored, tiny cache")
                .isEqualTo(expected);
        assertThat(run(small, new HashMapStateBackend(), 2_300))
                .as("restored, heap, small cache")
                .isEqualTo(expected);
    }
}
