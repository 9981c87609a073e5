package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.Test;

/**
 * The production flink-conf/config.yaml is safe as shipped (issue 14): checkpoint storage left to
 * the deployment and required at submission, JobManager high availability on, the REST API bound to
 * a configured address with jar upload off, and the Kafka transaction timeout longer than the
 * longest recovery its timeouts allow.
 */
class ProductionConfigTest {
    private static final Configuration SHIPPED =
            GlobalConfiguration.loadConfiguration(
                    System.getProperty(EmbeddedFlink.CONF_DIR_PROPERTY, "flink-conf"));

    @Test
    void shouldLeaveCheckpointStorageToTheDeploymentAndRefuseASubmissionWithoutIt() {
        assertThat(SHIPPED.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
        assertThat(SHIPPED.getOptional(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEmpty();
        assertThat(CustomerPulseJob.checkpointStorageProblem(SHIPPED))
                .startsWith("execution.checkpointing.dir is not set");
        Configuration configured = new Configuration(SHIPPED);
        configured.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/customer-pulse");
        assertThat(CustomerPulseJob.checkpointStorageProblem(configured)).isNull();
        // erasures delete rows after the checkpoint that covers them: aligned barriers only
        configured.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        assertThat(CustomerPulseJob.checkpointStorageProblem(configured))
                .startsWith("execution.checkpointing.unaligned.enabled is true");
    }

    @Test
    void shouldRunWithJobManagerHighAvailabilityExceptInOneProcess() {
        assertThat(SHIPPED.get(HighAvailabilityOptions.HA_MODE)).isIn("kubernetes", "zookeeper");
        assertThat(EmbeddedFlink.configuration().get(HighAvailabilityOptions.HA_MODE))
                .isEqualTo("NONE");
        // the rest of the file is what the embedded runs get, but its metric reporter: a replay
        // or a test opens no port
        java.util.Set<String> embedded = EmbeddedFlink.configuration().toMap().keySet();
        assertThat(embedded).noneMatch(k -> k.startsWith("metrics.reporter."));
        assertThat(SHIPPED.toMap().keySet())
                .contains("metrics.reporter.prom.factory.class")
                .filteredOn(k -> !k.startsWith("metrics.reporter."))
                .isSubsetOf(embedded);
    }

    @Test
    void shouldBindTheRestApiToAConfiguredAddressWithoutJarUpload() {
        assertThat(SHIPPED.getOptional(RestOptions.BIND_ADDRESS))
                .hasValueSatisfying(a -> assertThat(a).isNotIn("0.0.0.0", "::", ""));
        assertThat(SHIPPED.get(WebOptions.SUBMIT_ENABLE)).isFalse();
    }

    @Test
    void shouldKeepKafkaTransactionsOpenLongerThanTheLongestRecovery() {
        // a transaction opens at checkpoint n-1's barrier; checkpoint n triggers at the latest
        // when n-1 completed late (its timeout) plus the pause, and completes within the timeout
        Duration checkpointTimeout = SHIPPED.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        Duration nextTriggered =
                max(
                        SHIPPED.get(CheckpointingOptions.CHECKPOINTING_INTERVAL),
                        checkpointTimeout.plus(
                                SHIPPED.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS)));
        Duration longestRecovery =
                nextTriggered
                        .plus(checkpointTimeout)
                        .plus(SHIPPED.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT))
                        .plus(
                                SHIPPED.get(
                                        RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY))
                        .plus(SHIPPED.get(JobManagerOptions.SLOT_REQUEST_TIMEOUT));
        Duration transactions = JobConfig.defaults().kafka().transactionTimeout();
        assertThat(transactions).isGreaterThan(longestRecovery);
        assertThat(transactions).isLessThanOrEqualTo(Duration.ofMinutes(15)); // broker default max
        // the heartbeat is explicit, not Flink's default by accident
        assertThat(SHIPPED.getOptional(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).isPresent();
        assertThat(SHIPPED.getOptional(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
                .isPresent();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
