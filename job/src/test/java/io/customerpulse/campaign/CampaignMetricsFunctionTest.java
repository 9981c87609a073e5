package io.customerpulse.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CampaignMetricsFunctionTest {
    private static final LocalDate DAY = LocalDate.parse("2025-03-01");
    private static final Instant MIDNIGHT_AFTER = Instant.parse("2025-03-02T00:00:00Z");
    private static final Instant FINAL_AT = MIDNIGHT_AFTER.plusSeconds(7 * 86_400);

    private KeyedOneInputStreamOperatorTestHarness<String, CampaignDelta, CampaignDaily> h;

    private void newHarness() throws Exception {
        JobConfig config = JobConfig.defaults();
        h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(CampaignMetricsFunction.of(config)),
                        CampaignDelta::getCampaignId,
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
    }

    @BeforeEach
    void start() throws Exception {
        newHarness();
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void send(Instant at, CampaignDelta.Builder delta) throws Exception {
        h.processElement(delta.setCampaignId("SP-1").setDay(DAY).build(), at.toEpochMilli());
    }

    private static long keys(
            KeyedOneInputStreamOperatorTestHarness<String, CampaignDelta, CampaignDaily> h,
            String state) {
        return ((AbstractStreamOperator<?>) h.getOperator())
                .getKeyedStateBackend()
                .getKeys(state, VoidNamespace.INSTANCE)
                .count();
    }

    @Test
    void shouldNotReopenAFinalDayAfterARestore() throws Exception {
        send(Instant.parse("2025-03-01T10:00:00Z"), delta().setClicks(1).setSpendMinor(89));
        h.processWatermark(FINAL_AT.toEpochMilli());
        assertThat(rows()).last().satisfies(r -> assertThat(r.getFinal$()).isTrue());
        var snapshot = h.snapshot(1, FINAL_AT.toEpochMilli());
        h.close();

        // a restored job starts without a watermark: the day's finality must come from state
        newHarness();
        h.initializeState(snapshot);
        h.open();
        send(FINAL_AT.minusSeconds(5), delta().setAttributedOrders(1).setAttributedSalesMinor(100));
        h.processWatermark(FINAL_AT.plusSeconds(60).toEpochMilli());
        assertThat(rows()).isEmpty();
    }

    @Test
    void shouldGiveARowTheSameVersionHoweverManyRowsCameBeforeIt() throws Exception {
        Instant first = Instant.parse("2025-03-01T10:00:01Z");
        Instant second = Instant.parse("2025-03-01T18:00:01Z");
        // the watermark passes each delta on its own: two provisional rows
        send(first, delta().setClicks(1).setSpendMinor(89));
        h.processWatermark(first.plusSeconds(20).toEpochMilli());
        send(second, delta().setClicks(1).setSpendMinor(70));
        h.processWatermark(second.plusSeconds(20).toEpochMilli());
        CampaignDaily provisional = rows().get(rows().size() - 1);
        h.processWatermark(FINAL_AT.toEpochMilli());
        CampaignDaily fin = rows().get(rows().size() - 1);
        h.close();

        // the same deltas, the first one carrying a later time (as when its event was late in
        // one run and not in the other): one provisional row fewer, the same rows after it
        newHarness();
        h.open();
        send(second, delta().setClicks(1).setSpendMinor(89));
        send(second, delta().setClicks(1).setSpendMinor(70));
        h.processWatermark(second.plusSeconds(20).toEpochMilli());
        assertThat(rows()).hasSize(1).last().isEqualTo(provisional);
        h.processWatermark(FINAL_AT.toEpochMilli());
        assertThat(rows()).last().isEqualTo(fin);
        assertThat(fin.getVersion()).isEqualTo(FINAL_AT.toEpochMilli() + 2 + 159); // clicks, spend
    }

    @Test
    void shouldGiveALateAdEventTheVersionItWouldHaveHadOnTime() throws Exception {
        Instant t = Instant.parse("2025-03-01T23:59:31Z");
        long boundary = Instant.parse("2025-03-01T23:59:40Z").toEpochMilli();
        // the watermark passes the first impression's flush before the second arrives: a late
        // flush of its own (as in a run whose watermark was further on, e.g. not restored)
        send(t, delta().setImpressions(1).setSpendMinor(2));
        h.processWatermark(boundary + 1_000);
        send(t.plusSeconds(1), delta().setImpressions(1).setSpendMinor(3));
        h.processWatermark(boundary + 2_000);
        CampaignDaily late = rows().get(rows().size() - 1);
        h.close();

        // a run whose watermark had not come that far (restored just before): one flush of both
        newHarness();
        h.open();
        send(t, delta().setImpressions(1).setSpendMinor(2));
        send(t.plusSeconds(1), delta().setImpressions(1).setSpendMinor(3));
        h.processWatermark(boundary + 2_000);
        assertThat(rows()).singleElement().isEqualTo(late);
        assertThat(late.getVersion())
                .isEqualTo(boundary + 2 + 5); // flush time + impressions, spend
    }

    @Test
    void shouldGiveALateCreditANewerVersion() throws Exception {
        Instant click = Instant.parse("2025-03-01T10:00:01Z");
        send(click, delta().setClicks(1).setSpendMinor(89));
        h.processWatermark(click.plusSeconds(20).toEpochMilli());
        CampaignDaily before = rows().get(rows().size() - 1);
        // an order the customer operator applied late: its credit carries the order's own time,
        // behind the watermark, in a flush interval already emitted
        send(click.plusSeconds(4), delta().setAttributedOrders(1).setAttributedSalesMinor(100));
        h.processWatermark(click.plusSeconds(30).toEpochMilli());
        CampaignDaily after = rows().get(rows().size() - 1);
        assertThat(after.getAttributedSalesMinor()).isEqualTo(100);
        assertThat(after.getVersion()).isGreaterThan(before.getVersion()); // the sink takes it
    }

    private static CampaignDelta.Builder delta() {
        return CampaignDelta.newBuilder();
    }

    private List<CampaignDaily> rows() {
        return h.extractOutputValues();
    }

    @Test
    void shouldEmitProvisionalRowsThrottledAndTheFinalRowOnlyAfterDayEndPlusSevenDays()
            throws Exception {
        Instant t = Instant.parse("2025-03-01T10:00:01Z");
        send(t, delta().setImpressions(1).setSpendMinor(2));
        send(t.plusSeconds(1), delta().setClicks(1).setSpendMinor(89));
        send(t.plusSeconds(2), delta().setImpressions(1));
        h.processWatermark(t.plusSeconds(8).toEpochMilli()); // rows flush at 10 s boundaries
        assertThat(rows()).isEmpty(); // the update interval has not passed
        h.processWatermark(t.plusSeconds(20).toEpochMilli());
        assertThat(rows())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getFinal$()).isFalse();
                            assertThat(r.getImpressions()).isEqualTo(2);
                            assertThat(r.getClicks()).isEqualTo(1);
                            assertThat(r.getSpendMinor()).isEqualTo(91);
                            assertThat(r.getCtr()).isEqualTo(0.5);
                        });

        // a credit for this day's click, arriving days later (the order came 6 days after)
        Instant orderAt = Instant.parse("2025-03-07T12:00:00Z");
        send(orderAt, delta().setAttributedOrders(1).setAttributedSalesMinor(356));
        h.processWatermark(FINAL_AT.minusMillis(1).toEpochMilli());
        assertThat(rows())
                .hasSize(2)
                .last()
                .satisfies(
                        r -> {
                            assertThat(r.getFinal$()).isFalse();
                            assertThat(r.getAcos()).isEqualTo(91.0 / 356);
                        });

        h.processWatermark(FINAL_AT.toEpochMilli());
        assertThat(rows())
                .hasSize(3)
                .last()
                .satisfies(
                        r -> {
                            assertThat(r.getFinal$()).isTrue();
                            assertThat(r.getVersion())
                                    .isEqualTo(FINAL_AT.toEpochMilli() + 2 + 1 + 91 + 1 + 356);
                            assertThat(r.getUpdatedAt()).isEqualTo(FINAL_AT);
                            assertThat(r.getAttributedSalesMinor()).isEqualTo(356);
                        });
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(keys(h, CampaignMetricsFunction.PENDING.getName())).isZero();
        assertThat(keys(h, CampaignMetricsFunction.DAYS.getName())).isEqualTo(1); // "final through"

        send(FINAL_AT.minusSeconds(1), delta().setClicks(1)); // too late: the row is final
        h.processWatermark(FINAL_AT.plusSeconds(60).toEpochMilli());
        assertThat(rows()).hasSize(3);
    }
}
