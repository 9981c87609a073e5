package io.customerpulse.campaign;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.impression;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdDeltaCombinerTest {
    private static final long INTERVAL = 10_000;
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    private OneInputStreamOperatorTestHarness<CustomerEvent, CampaignDelta> h;

    @BeforeEach
    void open() throws Exception {
        h = new OneInputStreamOperatorTestHarness<>(new AdDeltaCombiner(INTERVAL));
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void send(CustomerEvent e) throws Exception {
        h.processElement(e, e.getEventTime().toEpochMilli());
    }

    /** What came out so far: sums as "campaign impressions/clicks/spend @ time", and watermarks. */
    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark w) {
                out.add("watermark " + Instant.ofEpochMilli(w.getTimestamp()));
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<CampaignDelta> r = (StreamRecord<CampaignDelta>) o;
                CampaignDelta d = r.getValue();
                out.add(
                        d.getCampaignId()
                                + " "
                                + d.getImpressions()
                                + "/"
                                + d.getClicks()
                                + "/"
                                + d.getSpendMinor()
                                + " @ "
                                + Instant.ofEpochMilli(r.getTimestamp()));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void shouldSumEachCampaignsFlushIntervalAndEmitTheSumsBeforeTheWatermark() throws Exception {
        send(impression("SP-1", 2, T.plusMillis(1)));
        send(impression("SP-1", 3, T.plusMillis(9_000)));
        send(click("c1", "SP-1", 89, T.plusMillis(5_000)));
        send(impression("SP-2", 4, T.plusMillis(2)));
        send(impression("SP-1", 5, T.plusMillis(10_000))); // the next interval
        assertThat(h.getOutput()).isEmpty(); // nothing before the watermark

        h.processWatermark(T.plusMillis(20_000).toEpochMilli());
        List<Object> raw = new ArrayList<>(h.getOutput());
        assertThat(raw.get(raw.size() - 1)).isInstanceOf(Watermark.class); // after every sum
        assertThat(output())
                .containsExactly(
                        "SP-1 1/0/5 @ 2025-03-01T10:00:10Z",
                        "SP-1 2/1/94 @ 2025-03-01T10:00:09Z", // the latest event time of the sum
                        "SP-2 1/0/4 @ 2025-03-01T10:00:00.002Z",
                        "watermark 2025-03-01T10:00:20Z");
        assertThat(((CampaignDelta) ((StreamRecord<?>) raw.get(0)).getValue()).getDay())
                .isEqualTo(LocalDate.parse("2025-03-01"));
    }

    @Test
    void shouldHoldNothingAtABarrier() throws Exception {
        send(impression("SP-1", 2, T));
        h.prepareSnapshotPreBarrier(1);
        assertThat(output()).containsExactly("SP-1 1/0/2 @ 2025-03-01T10:00:00Z");
    }

    @Test
    void shouldHoldNothingWhenTheInputGoesIdle() throws Exception {
        send(impression("SP-1", 2, T));
        h.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(h.extractOutputValues()).hasSize(1);
    }

    @Test
    void shouldEmitEarlyPastTheCapOfSums() throws Exception {
        for (int i = 0; i < AdDeltaCombiner.MAX_SUMS; i++) {
            send(impression("SP-" + i, 1, T));
        }
        assertThat(h.getOutput()).isEmpty();
        send(impression("SP-new", 1, T));
        assertThat(h.getOutput()).hasSize(AdDeltaCombiner.MAX_SUMS);
        h.processWatermark(T.plusMillis(20_000).toEpochMilli());
        assertThat(output()).contains("SP-new 1/0/1 @ 2025-03-01T10:00:00Z");
    }
}
