package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ClvModel;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.tools.clv.FitCommand;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CLV model fitted and published while the job runs is served without a restart. On the live
 * stack ({@link LiveStack}: a real Kafka broker and PostgreSQL, no mocks).
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class ClvServingITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldServeAPublishedClvModelWithoutARestart() throws Exception {
        String prefix = "clv.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.idleness", "1 s");
        settings.put("watermark.max-out-of-orderness", "1 s");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        String db = config.postgres().url();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        produce(
                config.kafka(),
                List.of(
                        EventJson.order("v1")
                                .customer("clv-1")
                                .at(now.minus(Duration.ofDays(20)))
                                .with("order_id", "V1")
                                .amount("total_minor", 2_000, "USD")
                                .json(),
                        EventJson.order("v2")
                                .customer("clv-1")
                                .at(now.minus(Duration.ofDays(6)))
                                .with("order_id", "V2")
                                .amount("total_minor", 5_000, "USD")
                                .json()));
        JobClient job = startLive(config);
        try {
            String noPrediction =
                    await(
                            "the profile without a model",
                            () ->
                                    query(
                                                    db,
                                                    "SELECT * FROM customer_profile",
                                                    r -> r.getString("customer_id"),
                                                    r ->
                                                            r.getInt("repeat_purchases")
                                                                    + " "
                                                                    + r.getObject("p_alive"))
                                            .get("clv-1"));
            assertThat(noPrediction).isEqualTo("1 null");

            ClvModel model =
                    ClvModel.newBuilder()
                            .setModelId("clv-e2e")
                            .setFittedAt(now)
                            .setAsOf(LocalDate.ofInstant(now, ZoneOffset.UTC))
                            .setCurrency("USD")
                            .setCustomers(2_357)
                            .setRepeatCustomers(946)
                            .setR(0.2426)
                            .setAlpha(4.4136)
                            .setA(0.7929)
                            .setB(2.4259)
                            .setBgnbdLogLikelihood(-9582.43)
                            .setP(6.2495)
                            .setQ(3.7442)
                            .setGamma(15.4437)
                            .setGammaGammaLogLikelihood(-4055.92)
                            .build();
            FitCommand.publish(model, config);

            // the model and the events come through different sources: an event processed before
            // the model reached the operator is not scored, so keep sending one (a page view a
            // day ago, late: applied at once) until a row carries the model
            AtomicInteger sent = new AtomicInteger();
            // scored at the interaction's step, or at the daily re-scoring after it (the wall
            // clock moves the watermark on): T is measured to the day of the row's updated_at
            String[] scored =
                    await(
                                    "the profile scored by the published model",
                                    () -> {
                                        produce(
                                                config.kafka(),
                                                List.of(
                                                        EventJson.interaction(
                                                                        "v3-"
                                                                                + sent
                                                                                        .incrementAndGet())
                                                                .customer("clv-1")
                                                                .at(
                                                                        now.minus(
                                                                                        Duration
                                                                                                .ofDays(
                                                                                                        1))
                                                                                .plusMillis(
                                                                                        sent.get()))
                                                                .with(
                                                                        "interaction_type",
                                                                        "PAGE_VIEW")
                                                                .json()));
                                        return query(
                                                        db,
                                                        "SELECT * FROM customer_profile WHERE clv_model IS NOT NULL",
                                                        r -> r.getString("customer_id"),
                                                        r ->
                                                                r.getString("clv_model")
                                                                        + " "
                                                                        + r.getDouble("p_alive")
                                                                        + " "
                                                                        + r.getLong(
                                                                                "predicted_clv_minor")
                                                                        + " "
                                                                        + r.getTimestamp(
                                                                                        "updated_at")
                                                                                .getTime())
                                                .get("clv-1");
                                    })
                            .split(" ");
            long scoredAt = Long.parseLong(scored[3]);
            RfmStats c =
                    RfmStats.of(
                            now.minus(Duration.ofDays(20)).toEpochMilli(),
                            now.minus(Duration.ofDays(6)).toEpochMilli(),
                            Math.floorDiv(scoredAt, Duration.ofDays(1).toMillis()),
                            1,
                            50.0);
            ClvScorer.Prediction expected = ClvScorer.of(model, 12, 0.01).predict(c);
            assertThat(scored[0]).isEqualTo("clv-e2e");
            assertThat(Double.parseDouble(scored[1])).isEqualTo(expected.pAlive());
            assertThat(Long.parseLong(scored[2])).isEqualTo(Math.round(expected.clv() * 100));
            assertThat(scoredAt)
                    .isGreaterThanOrEqualTo(now.minus(Duration.ofDays(1)).toEpochMilli());
            assertThat(
                            query(
                                    db,
                                    "SELECT * FROM clv_model",
                                    r -> r.getString("model_id"),
                                    r -> r.getString("customers")))
                    .containsEntry("clv-e2e", "2357");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }
}
