package io.customerpulse.profile;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;

/**
 * Where a step's results go, each with the event time of the step that made it: the operator's main
 * and side outputs in the job, a list or a counter in tests and benchmarks.
 */
public interface StepOutput {
    void profile(CustomerProfile profile, long at);

    void segmentChange(SegmentChange change, long at);

    void churnAlert(ChurnAlert alert, long at);

    void campaignDelta(CampaignDelta delta, long at);

    /** A lifecycle action, whatever its status (DESIGN section 11). */
    void action(CustomerAction action, long at);

    /**
     * Adds {@code amount} to a seller-health count ({@link HealthDeltas}'s fields) of a
     * marketplace's UTC day.
     */
    void health(String marketplace, int day, int field, long amount);

    /** An order whose order_id was already counted (a producer retry): dropped. */
    void orderRepeated(CustomerEvent order);

    /**
     * The customer was erased up to {@code at} (DESIGN section 13): their history is cleared; the
     * operator forgets their timers, remembers the time and hands the erasure to the sinks.
     */
    void erased(String customerId, long at, String requestId);
}
