package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.JobConfig;
import io.customerpulse.replay.ReplayRunner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: a stateful operator without a fixed uid, or with a
 * changed one, loses its state on upgrade. This guards both.
 */
class UidGuardTest {
    /** The uids of the stateful operators, as released. Changing one breaks restores. */
    private static final Set<String> STATEFUL =
            Set.of("customer-profiles", "campaign-metrics", "ad-event-dedup", "seller-health");

    @Test
    void shouldGiveEveryOperatorOfTheLiveJobAFixedUid() {
        Map<String, String> s = new HashMap<>();
        s.put("postgres.migrate-on-start", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CustomerPulseJob.buildLive(env, JobConfig.parse(s));
        assertFixedUids(env.getStreamGraph());
    }

    @Test
    void shouldGiveEveryOperatorOfTheReplayJobAFixedUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CustomerPulseJob.buildTopology(
                env,
                JobConfig.parse(Map.of("mode", "replay")),
                (e, w) ->
                        Map.of(
                                "data",
                                e.fromData(List.of(new io.customerpulse.avro.IngestRecord()))
                                        .uid(Uids.SOURCE)),
                ReplayRunner.fileSinks(java.nio.file.Path.of("target", "uid-guard")));
        assertFixedUids(env.getStreamGraph());
    }

    private static void assertFixedUids(StreamGraph graph) {
        Set<String> uids = new TreeSet<>();
        Set<String> keyed = new TreeSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank();
            uids.add(node.getTransformationUID());
            if (node.getStateKeySerializer() != null) {
                keyed.add(node.getTransformationUID());
            }
        }
        assertThat(keyed).as("keyed (stateful) operators").isEqualTo(new TreeSet<>(STATEFUL));
        assertThat(uids).contains(STATEFUL.toArray(String[]::new));
        assertThat(graph.getStreamNodes()).hasSizeGreaterThan(10);
    }
}
