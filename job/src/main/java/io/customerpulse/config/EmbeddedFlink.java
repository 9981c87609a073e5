package io.customerpulse.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;

/**
 * The Flink configuration of a job that runs inside this process (a replay, the local stack, tests
 * and benchmarks on a MiniCluster): flink-conf/config.yaml — the production file, so they run with
 * its state, checkpoint and latency settings — without what only a cluster has. JobManager high
 * availability is off: one process has nothing to fail over to. The caller sets the checkpoint
 * directory, which the production file leaves to each deployment.
 */
public final class EmbeddedFlink {
    /** The system property naming the directory of config.yaml (default {@code flink-conf}). */
    public static final String CONF_DIR_PROPERTY = "customerpulse.flink-conf";

    private EmbeddedFlink() {}

    /**
     * flink-conf/config.yaml when present (else empty), with high availability off and no metric
     * reporter.
     */
    public static Configuration configuration() {
        String dir = System.getProperty(CONF_DIR_PROPERTY, "flink-conf");
        Configuration file =
                Files.isRegularFile(Path.of(dir, "config.yaml"))
                        ? GlobalConfiguration.loadConfiguration(dir)
                        : new Configuration();
        Configuration conf = new Configuration();
        file.toMap()
                .forEach(
                        (key, value) -> {
                            if (!key.startsWith("metrics.reporter.")) {
                                conf.setString(key, value);
                            }
                        });
        conf.set(HighAvailabilityOptions.HA_MODE, "NONE");
        return conf;
    }
}
