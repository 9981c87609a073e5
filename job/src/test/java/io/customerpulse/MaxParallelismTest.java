package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.config.ConfigException;
import io.customerpulse.config.JobConfig;
import io.customerpulse.replay.ReplayRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Key groups belong to the job: the Flink configuration may not set them to something else. */
class MaxParallelismTest {
    private static StreamExecutionEnvironment build(Configuration flink, Map<String, String> job) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        CustomerPulseJob.buildTopology(
                env,
                JobConfig.parse(job),
                (e, w) ->
                        Map.of(
                                "data",
                                e.fromData(List.of(new io.customerpulse.avro.IngestRecord()))
                                        .uid(Uids.SOURCE)),
                ReplayRunner.fileSinks(Path.of("target", "max-parallelism")));
        return env;
    }

    @Test
    void shouldUseTheJobsKeyGroupsWhenFlinkSetsNone() {
        StreamExecutionEnvironment env = build(new Configuration(), Map.of("mode", "replay"));
        assertThat(env.getMaxParallelism()).isEqualTo(128);
    }

    @Test
    void shouldAcceptTheSameNumberFromFlink() {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.MAX_PARALLELISM, 256);
        StreamExecutionEnvironment env =
                build(flink, Map.of("mode", "replay", "job.max-parallelism", "256"));
        assertThat(env.getMaxParallelism()).isEqualTo(256);
    }

    @Test
    void shouldRefuseADifferentNumberFromFlinkNamingBothKeys() {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.MAX_PARALLELISM, 256);
        assertThatThrownBy(() -> build(flink, Map.of("mode", "replay")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("job.max-parallelism")
                .hasMessageContaining("pipeline.max-parallelism: 256");
    }
}
