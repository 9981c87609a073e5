package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What is published to the input topics comes out in the output topics (read_committed) and the
 * tables, equal to a replay of the same events as of the live job's final watermark. On the live
 * stack ({@link LiveStack}: a real Kafka broker and PostgreSQL, no mocks).
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class ReplayEqualityITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldWriteTopicsAndTablesEqualToAReplayAndDeadLetterBadRecords() throws Exception {
        String prefix = "modes.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("modes", 3, 150);
        produce(config.kafka(), scenario.lines());

        JobClient job = startLive(config);
        try {
            Path replay = scenario.replay();

            assertThat(Files.readAllLines(replay.resolve("profiles.jsonl")))
                    .hasSizeGreaterThan(100);
            assertThat(Files.readAllLines(replay.resolve("campaign_daily.jsonl"))).isNotEmpty();
            assertSameAsReplay(config, replay);

            List<RejectedEvent> dead =
                    readCommitted(
                            config.kafka().topic(KafkaSettings.DEAD_LETTER), RejectedEvent.class);
            assertThat(dead)
                    .extracting(RejectedEvent::getReason)
                    .containsExactlyInAnyOrder("MALFORMED", "NEGATIVE_AMOUNT");
            assertThat(dead)
                    .allSatisfy(
                            r -> {
                                assertThat(r.getSource()).isEqualTo(prefix + KafkaSettings.ORDERS);
                                assertThat(r.getOffset()).isNotNegative();
                                assertThat(r.getPayload().remaining()).isPositive();
                            });
        } finally {
            job.cancel().get();
        }
    }
}
