package io.customerpulse.profile;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * The customer operator in Flink's keyed test harness on the RocksDB backend, with helpers to move
 * event time and read what came out and what is kept.
 */
final class ProfileHarness implements AutoCloseable {
    final KeyedBroadcastOperatorTestHarness<String, CustomerEvent, ClvModel, CustomerProfile>
            harness;

    ProfileHarness() throws Exception {
        this(JobConfig.defaults());
    }

    /** A harness restored from {@code snapshot} (as after a failure: no watermark yet). */
    static ProfileHarness restored(
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot) throws Exception {
        return new ProfileHarness(JobConfig.defaults(), snapshot);
    }

    ProfileHarness(JobConfig config) throws Exception {
        this(config, null);
    }

    private ProfileHarness(
            JobConfig config, org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot)
            throws Exception {
        CustomerProfileFunction function = CustomerProfileFunction.of(config);
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                function, List.of(CustomerProfileFunction.CLV_MODEL)),
                        CustomerEvent::getCustomerId,
                        Types.STRING,
                        128,
                        1,
                        0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        // models carry no event time: their input never holds the watermark back (as in the job)
        harness.processBroadcastWatermark(Long.MAX_VALUE);
    }

    static ProfileHarness withSettings(Map<String, String> settings) throws Exception {
        return new ProfileHarness(JobConfig.parse(settings));
    }

    void send(CustomerEvent... events) throws Exception {
        for (CustomerEvent e : events) {
            harness.processElement(e, e.getEventTime().toEpochMilli());
        }
    }

    /** Publishes a CLV model to the operator, as the clv-models topic does. */
    void serve(ClvModel model) throws Exception {
        harness.processBroadcastElement(model, 0);
    }

    /** Advances the watermark to {@code t}: everything due at or before it happens. */
    void watermark(Instant t) throws Exception {
        harness.processWatermark(t.toEpochMilli());
    }

    List<CustomerProfile> profiles() {
        return harness.extractOutputValues();
    }

    CustomerProfile latest() {
        List<CustomerProfile> all = profiles();
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

    List<LateEvent> late() {
        return values(harness.getSideOutput(Outputs.LATE_EVENTS));
    }

    int timers() {
        return harness.numEventTimeTimers();
    }

    /** Customers with state. */
    long stateEntries() {
        return backend()
                .getKeys(CustomerProfileFunction.STATE.getName(), VoidNamespace.INSTANCE)
                .count();
    }

    /** The stored record of one customer. */
    CustomerState state(String customer) throws Exception {
        return stored(customer, CustomerProfileFunction.STATE).value();
    }

    private <S extends State> S stored(String customer, StateDescriptor<S, ?> descriptor)
            throws Exception {
        KeyedStateBackend<String> backend = backend();
        backend.setCurrentKey(customer);
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
    }

    @SuppressWarnings("unchecked")
    private KeyedStateBackend<String> backend() {
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
