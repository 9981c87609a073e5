package io.customerpulse.profile;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The customer operator in Flink's keyed two-input test harness on the RocksDB backend, with
 * helpers to move event time and read what came out and what is kept. What is kept is read as a
 * checkpoint finds it: {@link #timers()}, {@link #stateEntries()} and {@link #state} first run the
 * operator's pre-barrier flush, which writes every changed customer back and arms its timer.
 */
final class ProfileHarness implements AutoCloseable {
    final KeyedTwoInputStreamOperatorTestHarness<String, CustomerEvent, ClvModel, CustomerProfile>
            harness;
    private long checkpoints;

    ProfileHarness() throws Exception {
        this(JobConfig.defaults());
    }

    ProfileHarness(JobConfig config) throws Exception {
        this(config, null, new EmbeddedRocksDBStateBackend());
    }

    ProfileHarness(JobConfig config, OperatorSubtaskState snapshot, StateBackend backend)
            throws Exception {
        this(CustomerProfileOperator.of(config), snapshot, backend);
    }

    ProfileHarness(
            org.apache.flink.streaming.api.operators.TwoInputStreamOperator<
                            CustomerEvent, ClvModel, CustomerProfile>
                    operator,
            OperatorSubtaskState snapshot,
            StateBackend backend)
            throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        operator, CustomerEvent::getCustomerId, null, Types.STRING, 128, 1, 0);
        harness.setStateBackend(backend);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        // the wall clock of live mode's guard: the test's events lie in the past of it
        harness.setProcessingTime(System.currentTimeMillis());
        // models carry no event time: their input never holds the watermark back (as in the job)
        harness.processWatermark2(
                new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
    }

    /** A harness restored from {@code snapshot} (as after a failure: no watermark yet). */
    static ProfileHarness restored(OperatorSubtaskState snapshot) throws Exception {
        return new ProfileHarness(
                JobConfig.defaults(), snapshot, new EmbeddedRocksDBStateBackend());
    }

    static ProfileHarness withSettings(Map<String, String> settings) throws Exception {
        return new ProfileHarness(JobConfig.parse(settings));
    }

    void send(CustomerEvent... events) throws Exception {
        for (CustomerEvent e : events) {
            harness.processElement1(e, e.getEventTime().toEpochMilli());
        }
    }

    /** Publishes a CLV model to the operator, as the clv-models topic does. */
    void serve(ClvModel model) throws Exception {
        harness.processElement2(model, 0);
    }

    /** Advances the watermark to {@code t}: everything due at or before it happens. */
    void watermark(Instant t) throws Exception {
        harness.processWatermark1(new Watermark(t.toEpochMilli()));
    }

    /** The final watermark: the end of time. */
    void endOfTime() throws Exception {
        harness.processWatermark1(Watermark.MAX_WATERMARK);
    }

    /** What the task does before a checkpoint barrier: every changed customer written back. */
    void checkpoint() throws Exception {
        harness.prepareSnapshotPreBarrier(++checkpoints);
    }

    /** A checkpoint of the operator, taken as a task takes it (flush, then snapshot). */
    OperatorSubtaskState snapshot() throws Exception {
        checkpoint();
        return harness.snapshot(checkpoints, checkpoints);
    }

    List<CustomerProfile> profiles() {
        return harness.extractOutputValues();
    }

    CustomerProfile latest() {
        List<CustomerProfile> all = profiles();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The latest profile of {@code customer}, or null. */
    CustomerProfile latest(String customer) {
        List<CustomerProfile> all =
                profiles().stream().filter(p -> p.getCustomerId().equals(customer)).toList();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    List<SegmentChange> changes() {
        return values(harness.getSideOutput(Outputs.SEGMENT_CHANGES));
    }

    List<ChurnAlert> alerts() {
        return values(harness.getSideOutput(Outputs.CHURN_ALERTS));
    }

    List<CampaignDelta> deltas() {
        return values(harness.getSideOutput(Outputs.CAMPAIGN_DELTAS));
    }

    /** The seller-health deltas emitted so far, summed per marketplace and day. */
    Map<String, io.customerpulse.avro.HealthDelta> health() {
        Map<String, io.customerpulse.avro.HealthDelta> sums = new java.util.TreeMap<>();
        for (io.customerpulse.avro.HealthDelta d :
                values(harness.getSideOutput(Outputs.HEALTH_DELTAS))) {
            io.customerpulse.avro.HealthDelta s =
                    sums.computeIfAbsent(
                            d.getMarketplace() + " " + java.time.LocalDate.ofEpochDay(d.getDay()),
                            k -> new io.customerpulse.avro.HealthDelta());
            s.setMarketplace(d.getMarketplace());
            s.setDay(d.getDay());
            s.setEvents(s.getEvents() + d.getEvents());
            s.setOrders(s.getOrders() + d.getOrders());
            s.setGmvMinor(s.getGmvMinor() + d.getGmvMinor());
            s.setRepeatGmvMinor(s.getRepeatGmvMinor() + d.getRepeatGmvMinor());
            s.setFeedback(s.getFeedback() + d.getFeedback());
            s.setNegativeFeedback(s.getNegativeFeedback() + d.getNegativeFeedback());
            s.setPositiveFeedback(s.getPositiveFeedback() + d.getPositiveFeedback());
            s.setMessagesDue(s.getMessagesDue() + d.getMessagesDue());
            s.setAnsweredIn24h(s.getAnsweredIn24h() + d.getAnsweredIn24h());
        }
        return sums;
    }

    List<CustomerAction> actions() {
        return values(harness.getSideOutput(Outputs.CUSTOMER_ACTIONS));
    }

    /** The actions of one type, as "status at due_at [order]" strings. */
    List<String> actions(String action) {
        return actions().stream()
                .filter(a -> a.getAction().equals(action))
                .map(
                        a ->
                                a.getStatus()
                                        + " "
                                        + a.getCustomerId()
                                        + " "
                                        + a.getDueAt()
                                        + (a.getOrderId() == null ? "" : " " + a.getOrderId()))
                .toList();
    }

    List<LateEvent> late() {
        return values(harness.getSideOutput(Outputs.LATE_EVENTS));
    }

    /** Registered event-time timers, as a checkpoint finds them. */
    int timers() throws Exception {
        checkpoint();
        return harness.numEventTimeTimers();
    }

    /** Customers with state, as a checkpoint finds them. */
    long stateEntries() throws Exception {
        checkpoint();
        try (var keys =
                backend()
                        .getKeys(CustomerProfileOperator.STATE.getName(), VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** The stored state of one customer, as a checkpoint finds it; null if none. */
    Customer state(String customer) throws Exception {
        checkpoint();
        KeyedStateBackend<String> backend = backend();
        Object current = backend.getCurrentKey();
        backend.setCurrentKey(customer);
        Customer c =
                backend.getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                CustomerProfileOperator.STATE)
                        .value();
        if (current != null) {
            backend.setCurrentKey((String) current);
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    KeyedStateBackend<String> backend() {
        KeyedStateBackend<?> backend =
                ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        return (KeyedStateBackend<String>) backend;
    }

    private static <T> List<T> values(java.util.Collection<StreamRecord<T>> records) {
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
