package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.customerpulse.config.EmbeddedFlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart strategy of flink-conf/config.yaml ends: a task that fails at every attempt (a poison
 * record) fails the job after the configured number of failures instead of restarting it forever.
 */
class RestartStrategyTest {
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @Test
    void shouldEndTheJobWhenATaskFailsAtEveryAttempt(@TempDir Path dir) {
        Configuration conf = EmbeddedFlink.configuration();
        // the shipped strategy and limits, without the wait between attempts
        conf.setString("restart-strategy.failure-rate.delay", "0 s");
        conf.setString("execution.checkpointing.dir", dir.toUri().toString());
        int limit =
                conf.get(
                        RestartStrategyOptions
                                .RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL);
        assertThat(limit).isPositive();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSequence(1, 10)
                .uid("numbers")
                .map(new Poison())
                .uid("poison")
                .sinkTo(new DiscardingSink<>())
                .uid("discard");

        ATTEMPTS.set(0);
        assertTimeoutPreemptively(
                Duration.ofMinutes(2),
                () ->
                        assertThatThrownBy(env::execute)
                                .satisfies(
                                        e ->
                                                assertThat(ExceptionUtils.stringifyException(e))
                                                        .contains("Recovery is suppressed")
                                                        .contains("poison record")));
        assertThat(ATTEMPTS.get())
                .isEqualTo(limit + 1); // the first attempt and a restart per failure allowed
    }

    private static final class Poison implements MapFunction<Long, Long> {
        @Override
        public Long map(Long n) {
            ATTEMPTS.incrementAndGet();
            throw new IllegalStateException("a poison record: " + n);
        }
    }
}
