package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ClvModel;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.tools.clv.FitCommand;
import io.customerpulse.tools.local.ClvAutoFit;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local stack's automatic CLV model (issue 16): nothing is published while there are too few
 * customers; once there are enough, the fit over the live job's profiles is published to the
 * clv-models topic and the clv_model table (that the job then serves it: ClvServingITCase).
 */
@ExtendWith(LiveStack.class)
class ClvAutoFitITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldPublishAFittedModelOnlyOnceThereAreEnoughCustomers() throws Exception {
        String prefix = "autofit.";
        JobConfig config = JobConfig.parse(deterministicSettings(prefix));
        Topics.create(config.kafka(), 1, (short) 1);
        GeneratedEvents generated = new GeneratedEvents(17, 1_500, START, Duration.ofDays(150));
        JobClient job = startLive(config);
        try {
            produce(
                    config.kafka(),
                    generated.lines.stream().map(GeneratedEvents.Line::json).toList());
            String db = config.postgres().url();
            String counts =
                    "SELECT count(*) FILTER (WHERE first_order_at IS NOT NULL) || ' '"
                            + " || count(*) FILTER (WHERE repeat_purchases > 0) FROM customer_profile";
            String enough =
                    await(
                            "500 customers with an order and 100 with a repeat",
                            () -> {
                                String c =
                                        query(db, counts, r -> "n", r -> r.getString(1)).get("n");
                                String[] n = c.split(" ");
                                return Long.parseLong(n[0]) >= FitCommand.MIN_CUSTOMERS
                                                && Long.parseLong(n[1])
                                                        >= FitCommand.MIN_REPEAT_CUSTOMERS
                                        ? c
                                        : null;
                            });
            LocalDate asOf = LocalDate.ofInstant(START.plus(Duration.ofDays(150)), ZoneOffset.UTC);
            Instant now = Instant.now();

            // too few for the thresholds asked: nothing fitted, nothing published
            assertThat(ClvAutoFit.tryOnce(config, asOf, now, 1_000_000, 100)).isNull();
            assertThat(
                            query(
                                            db,
                                            "SELECT count(*) FROM clv_model",
                                            r -> "n",
                                            r -> r.getString(1))
                                    .get("n"))
                    .isEqualTo("0");

            // tried again while the stream is still arriving, as the local stack's loop does: a fit
            // of a partial history may not converge (seen once on a clean clone: "maximal count
            // (100,000) exceeded: evaluations" at 860 / 207 customers), and publishes nothing then
            ClvModel m =
                    await(
                            "a fitted model (first enough: " + enough + ")",
                            () ->
                                    ClvAutoFit.tryOnce(
                                            config,
                                            asOf,
                                            now,
                                            FitCommand.MIN_CUSTOMERS,
                                            FitCommand.MIN_REPEAT_CUSTOMERS));
            assertThat(m.getCustomers()).isGreaterThanOrEqualTo(FitCommand.MIN_CUSTOMERS);
            assertThat(m.getRepeatCustomers())
                    .isGreaterThanOrEqualTo(FitCommand.MIN_REPEAT_CUSTOMERS);
            assertThat(
                            java.util.List.of(
                                    m.getR(),
                                    m.getAlpha(),
                                    m.getA(),
                                    m.getB(),
                                    m.getP(),
                                    m.getQ(),
                                    m.getGamma()))
                    .allMatch(v -> v > 0 && Double.isFinite(v));
            assertThat(
                            query(
                                            db,
                                            "SELECT model_id FROM clv_model",
                                            r -> r.getString(1),
                                            r -> "")
                                    .keySet())
                    .containsExactly(m.getModelId());
            assertThat(
                            readCommitted(
                                    config.kafka().topic(KafkaSettings.CLV_MODELS), ClvModel.class))
                    .extracting(ClvModel::getModelId)
                    .containsExactly(m.getModelId());
        } finally {
            job.cancel().get();
        }
    }
}
