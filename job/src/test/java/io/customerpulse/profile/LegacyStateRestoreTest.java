package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.config.JobConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint of the customer operator of release a0abac4 — Flink's keyed broadcast operator with
 * the customer's state as one Avro record, timers moved on every step, a CLV model in broadcast
 * state — restores into today's operator, is migrated to the compact form, and the operator then
 * continues exactly as the old one did: the same profiles, segment changes, alerts, campaign deltas
 * and late events for the same continuation (recorded by the old release:
 * src/test/resources/legacy/MakeLegacySnapshot.java.txt says how).
 */
class LegacyStateRestoreTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    private static CustomerEvent e(
            String id,
            String customer,
            Instant at,
            EventKind kind,
            String orderId,
            long amount,
            String campaign) {
        return CustomerEvent.newBuilder()
                .setEventId(id)
                .setCustomerId(customer)
                .setEventTime(at)
                .setMarketplace("US")
                .setKind(kind)
                .setOrderId(orderId)
                .setAmountMinor(amount)
                .setCampaignId(campaign)
                .setInteractionType(kind == EventKind.INTERACTION ? "PAGE_VIEW" : null)
                .build();
    }

    /** The continuation of MakeLegacySnapshot: watermarks (instants) and events. */
    private static List<Object> continuation() {
        List<Object> in = new ArrayList<>();
        in.add(T0.plus(DAY.multipliedBy(3)));
        in.add(e("c4-o1", "c4", T0.plus(DAY.multipliedBy(2)), EventKind.ORDER, "D1", 3_000, null));
        in.add(
                e(
                        "c1-click2",
                        "c1",
                        T0.plus(DAY.multipliedBy(4)),
                        EventKind.CLICK,
                        null,
                        120,
                        "SP-2"));
        in.add(e("c1-o2", "c1", T0.plus(DAY.multipliedBy(6)), EventKind.ORDER, "A2", 20_000, null));
        in.add(e("c1-r2", "c1", T0.plus(DAY.multipliedBy(8)), EventKind.RETURN, "A1", 1_000, null));
        in.add(e("c5-o1", "c5", T0.plus(DAY.multipliedBy(7)), EventKind.ORDER, "E1", 7_000, null));
        in.add(T0.plus(DAY.multipliedBy(10)));
        in.add(e("c2-o3", "c2", T0.plus(DAY.multipliedBy(40)), EventKind.ORDER, "B3", 9_000, null));
        in.add(T0.plus(DAY.multipliedBy(80)));
        in.add(
                e(
                        "c3-late",
                        "c3",
                        T0.plus(DAY.multipliedBy(20)),
                        EventKind.INTERACTION,
                        null,
                        0,
                        null));
        in.add(T0.plus(DAY.multipliedBy(200)));
        return in;
    }

    private static List<String> expected() throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(
                                        LegacyStateRestoreTest.class.getResourceAsStream(
                                                "/legacy/continuation-a0abac4.txt.gz")),
                                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static OperatorSubtaskState legacy(String resource) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(
                Path.of(LegacyStateRestoreTest.class.getResource(resource).toURI()).toString());
    }

    private static void restoreAndContinue(StateBackend backend, String resource) throws Exception {
        try (ProfileHarness h =
                new ProfileHarness(JobConfig.defaults(), legacy(resource), backend)) {
            // every customer rewritten in the compact form, nothing left in the old one
            assertThat(keys(h, CustomerProfileOperator.LEGACY_STATE.getName())).isZero();
            assertThat(keys(h, CustomerProfileOperator.STATE.getName())).isEqualTo(4);
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(4); // the old release's timers
            assertThat(h.state("c3").pending()).hasSize(1); // the event that waited

            for (Object o : continuation()) {
                if (o instanceof Instant t) {
                    h.watermark(t);
                } else {
                    h.send((CustomerEvent) o);
                }
            }
            List<String> out = new ArrayList<>();
            // profiles as a consumer of CustomerProfile version 3 sees them: without expired_at,
            // which version 4 added (null here: nobody was inactive for 730 days)
            h.profiles()
                    .forEach(
                            p -> {
                                assertThat(p.getExpiredAt()).isNull();
                                out.add(
                                        "P "
                                                + p.toString()
                                                        .replace(", \"expired_at\": null", "")
                                                        .replace(", \"erased_at\": null", ""));
                            });
            h.changes().forEach(c -> out.add("S " + c));
            // alerts as a consumer of ChurnAlert version 1 sees them: without the stale flag that
            // version 2 added (true here: their times are a year behind the harness's wall clock)
            h.alerts()
                    .forEach(
                            a -> {
                                assertThat(a.getStale()).isTrue();
                                out.add("A " + a.toString().replace(", \"stale\": true", ""));
                            });
            h.deltas().forEach(d -> out.add("D " + d));
            // late events as a consumer of LateEvent version 1 sees them: without the reply_to
            // that version 2 added (null here, as in everything the old release could receive)
            h.late()
                    .forEach(
                            l -> {
                                assertThat(l.getEvent().getReplyTo()).isNull();
                                out.add("L " + l.toString().replace(", \"reply_to\": null", ""));
                            });
            Collections.sort(out);
            List<String> expected = expected();
            assertThat(out).hasSize(expected.size()).isEqualTo(expected);
            assertThat(out).anyMatch(s -> s.contains("\"clv_model\": \"m1\"")); // model restored
        }
    }

    private static long keys(ProfileHarness h, String state) {
        try (var keys = h.backend().getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Test
    void shouldContinueFromAnOldReleasesSavepointExactlyAsThatReleaseOnRocksDb() throws Exception {
        restoreAndContinue(
                new EmbeddedRocksDBStateBackend(),
                "/legacy/customer-operator-a0abac4-rocksdb.savepoint");
    }

    @Test
    void shouldContinueFromAnOldReleasesCheckpointExactlyAsThatReleaseOnTheHeap() throws Exception {
        restoreAndContinue(new HashMapStateBackend(), "/legacy/customer-operator-a0abac4.snapshot");
    }
}
