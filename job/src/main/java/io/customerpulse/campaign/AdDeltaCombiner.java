package io.customerpulse.campaign;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Sums de-duplicated ad events into one delta per campaign, day and flush interval before the
 * shuffle by campaign, the local half of a local-global aggregation (Flink SQL's {@code
 * MiniBatchLocalGroupAggFunction}): ad events are most of the traffic, and a campaign has few keys,
 * so the campaign operator would otherwise read and write its pending sums once per impression.
 *
 * <p>Nothing waits here across a watermark or a checkpoint barrier, so the operator has no state
 * and the campaign operator sees the same sums at the same event times: every sum goes out before
 * the next watermark is forwarded and before every barrier. A sum carries the latest event time of
 * its events, inside the same flush interval, so it lands in the same pending bucket downstream as
 * its events one by one would have.
 */
public final class AdDeltaCombiner extends AbstractStreamOperator<CampaignDelta>
        implements OneInputStreamOperator<CustomerEvent, CampaignDelta> {
    /** Sums held at most: beyond it (many campaigns between two watermarks) they go out early. */
    static final int MAX_SUMS = 1_024;

    private final long interval;

    private transient Map<Group, Sum> sums;

    /**
     * @param interval the campaign operator's flush interval (event time between two rows)
     */
    public AdDeltaCombiner(long interval) {
        this.interval = interval;
    }

    private record Group(String campaignId, long boundary, int day) {}

    private static final class Sum {
        final CampaignDelta delta;
        long latest;

        Sum(CampaignDelta delta, long at) {
            this.delta = delta;
            this.latest = at;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        sums = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<CustomerEvent> record) throws Exception {
        CampaignDelta delta = CampaignMath.ofAdEvent(record.getValue());
        long at = record.getTimestamp();
        Group group =
                new Group(
                        delta.getCampaignId(),
                        Math.floorDiv(at, interval),
                        (int) delta.getDay().toEpochDay());
        Sum sum = sums.get(group);
        if (sum == null) {
            if (sums.size() >= MAX_SUMS) {
                emitAll();
            }
            sums.put(group, new Sum(delta, at));
        } else {
            CampaignMath.add(sum.delta, delta);
            sum.latest = Math.max(sum.latest, at);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitAll();
        super.processWatermark(mark);
    }

    /**
     * A source going idle sends no watermark for a while; what it sent last must not wait here
     * until traffic resumes (the other inputs may move the campaign operator's time on meanwhile).
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            emitAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitAll();
    }

    @Override
    public void finish() throws Exception {
        emitAll();
        super.finish();
    }

    private void emitAll() {
        for (Sum sum : sums.values()) {
            output.collect(new StreamRecord<>(sum.delta, sum.latest));
        }
        sums.clear();
    }
}
