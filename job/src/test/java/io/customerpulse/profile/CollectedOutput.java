package io.customerpulse.profile;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;
import java.util.ArrayList;
import java.util.List;

/** What steps produced, collected for tests of the engine and the function without Flink. */
final class CollectedOutput implements StepOutput {
    /** Discards everything. */
    static final StepOutput NONE =
            new StepOutput() {
                @Override
                public void profile(CustomerProfile profile, long at) {}

                @Override
                public void segmentChange(SegmentChange change, long at) {}

                @Override
                public void churnAlert(ChurnAlert alert, long at) {}

                @Override
                public void campaignDelta(CampaignDelta delta, long at) {}

                @Override
                public void action(CustomerAction action, long at) {}

                @Override
                public void health(String marketplace, int day, int field, long amount) {}

                @Override
                public void orderRepeated(CustomerEvent order) {}

                @Override
                public void erased(String customerId, long at, String requestId) {}
            };

    /** One event applied as a step of its own at its time, its outputs discarded. */
    static void stepAlone(ProfileEngine engine, Customer c, CustomerEvent e) {
        engine.step("c1", c, e.getEventTime().toEpochMilli(), List.of(e), 1, false, null, NONE);
    }

    final List<CustomerProfile> profiles = new ArrayList<>();
    final List<SegmentChange> changes = new ArrayList<>();
    final List<ChurnAlert> alerts = new ArrayList<>();
    final List<CampaignDelta> deltas = new ArrayList<>();
    final List<CustomerAction> actions = new ArrayList<>();
    final List<Long> stamps = new ArrayList<>();

    @Override
    public void profile(CustomerProfile profile, long at) {
        profiles.add(profile);
        stamps.add(at);
    }

    @Override
    public void segmentChange(SegmentChange change, long at) {
        changes.add(change);
    }

    @Override
    public void churnAlert(ChurnAlert alert, long at) {
        alerts.add(alert);
    }

    @Override
    public void action(CustomerAction action, long at) {
        actions.add(action);
    }

    /** Seller-health counts by "marketplace day field". */
    final java.util.Map<String, Long> health = new java.util.TreeMap<>();

    @Override
    public void health(String marketplace, int day, int field, long amount) {
        health.merge(marketplace + " " + day + " " + field, amount, Long::sum);
    }

    @Override
    public void campaignDelta(CampaignDelta delta, long at) {
        deltas.add(delta);
    }

    @Override
    public void orderRepeated(CustomerEvent order) {} // counted by the operator's metric

    final List<String> erasures = new ArrayList<>();

    @Override
    public void erased(String customerId, long at, String requestId) {
        erasures.add(customerId + " " + java.time.Instant.ofEpochMilli(at) + " " + requestId);
    }
}
