package io.customerpulse.tools.bench;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.JobConfig;
import io.customerpulse.profile.Customer;
import io.customerpulse.profile.CustomerSteps;
import io.customerpulse.profile.StepOutput;
import java.util.HashMap;
import java.util.Map;

/**
 * The customer operator's logic alone, the limit of what the operator can do: events (in time
 * order, built beforehand) go through the same {@link CustomerSteps} — de-duplication, waiting,
 * steps in event-time order with attribution and segments, the customer's limits due before each
 * event — with each customer's state in a HashMap, each event applied as soon as it arrived (as if
 * the watermark passed it at once). No Flink, no serialization, no timers. Used by {@code scripts
 * bench throughput} (the limit) and by the JMH benchmark of the engine.
 */
public final class EngineLoop {
    private final CustomerSteps steps;
    private final Results results = new Results();

    public EngineLoop(JobConfig config) {
        this.steps = CustomerSteps.of(config);
    }

    /**
     * Runs {@code events} over fresh state; returns the number of profiles produced. {@code sink}
     * sees every profile (a JMH Blackhole, so that nothing is optimised away), or null.
     */
    public long run(CustomerEvent[] events, java.util.function.Consumer<Object> sink) {
        Map<String, Customer> customers = new HashMap<>(events.length / 4);
        results.sink = sink;
        results.profiles = 0;
        for (CustomerEvent e : events) {
            String key = e.getCustomerId();
            Customer c = customers.computeIfAbsent(key, k -> new Customer());
            long t = e.getEventTime().toEpochMilli();
            steps.onEvent(key, c, e, t - 1, null, results);
            steps.advance(key, c, t, null, results);
        }
        return results.profiles;
    }

    /** Counts what came out and hands it to the sink. */
    private static final class Results implements StepOutput {
        java.util.function.Consumer<Object> sink;
        long profiles;
        long healthSum; // keeps the seller-health counts from being optimised away
        Object last; // keeps every record reachable: no allocation is optimised away

        @Override
        public void profile(CustomerProfile profile, long at) {
            profiles++;
            consume(profile);
        }

        @Override
        public void segmentChange(SegmentChange change, long at) {
            consume(change);
        }

        @Override
        public void churnAlert(ChurnAlert alert, long at) {
            consume(alert);
        }

        @Override
        public void campaignDelta(CampaignDelta delta, long at) {
            consume(delta);
        }

        @Override
        public void action(CustomerAction action, long at) {
            consume(action);
        }

        @Override
        public void health(String marketplace, int day, int field, long amount) {
            healthSum += amount;
        }

        @Override
        public void orderRepeated(CustomerEvent order) {
            consume(order);
        }

        @Override
        public void erased(String customerId, long at, String requestId) {
            consume(customerId);
        }

        private void consume(Object o) {
            if (sink != null) {
                sink.accept(o);
            } else {
                last = o;
            }
        }
    }
}
