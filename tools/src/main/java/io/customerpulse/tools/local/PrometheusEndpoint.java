package io.customerpulse.tools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's Prometheus reporter on a Flink that runs in this process (the local stack, the scrape
 * test): the JobManager's and TaskManagers' metrics, the job's own among them, at {@code
 * http://localhost:PORT/metrics} on a port free when asked.
 */
public final class PrometheusEndpoint {
    private PrometheusEndpoint() {}

    /** Adds the reporter to {@code flink}; returns its port. */
    public static int enable(Configuration flink) {
        int port = freePort();
        flink.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", Integer.toString(port));
        return port;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
