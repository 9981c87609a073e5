package io.customerpulse.postgres;

import java.io.Serializable;
import java.time.Duration;

/**
 * PostgreSQL settings. The password, a secret, comes from the environment ({@code
 * CUSTOMER_PULSE_POSTGRES_PASSWORD}) of the process that connects, read when it connects; without
 * it the driver connects without one (local trust).
 */
public record PostgresSettings(
        boolean enabled,
        String url,
        String user,
        int batchSize,
        Duration batchInterval,
        int maxRetries,
        boolean migrateOnStart)
        implements Serializable {

    public static final String PASSWORD_ENV = "CUSTOMER_PULSE_POSTGRES_PASSWORD";

    /**
     * Driver settings the job's connections always carry (a parameter of the same name in {@code
     * postgres.url} wins). Without a socket timeout a database that stops answering, rather than
     * refusing, blocks a writer forever: checkpoints expire while the task waits in a socket read,
     * and a task that cannot be cancelled gets its TaskManager killed. With them a write fails
     * after 30 s, the task restarts and retries like after any failed write; a connection attempt
     * gives up after 10 s.
     */
    public static java.util.Properties driverDefaults() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("connectTimeout", "10"); // seconds, to open the TCP connection
        p.setProperty("loginTimeout", "10"); // seconds, until the server has greeted and accepted
        p.setProperty("socketTimeout", "30"); // seconds without an answer to a statement
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /**
     * The same for a job that runs in the process that starts it (the local stack): a system
     * property, which stays out of the job graph as the environment does.
     */
    public static final String PASSWORD_PROPERTY = "customerpulse.postgres-password";

    /**
     * The password from this process's environment (or, in-process, the system property), or null.
     * The sinks read it on the TaskManager when they open.
     */
    public static String password() {
        String p = System.getenv(PASSWORD_ENV);
        if (p == null || p.isEmpty()) {
            p = System.getProperty(PASSWORD_PROPERTY);
        }
        return p == null || p.isEmpty() ? null : p;
    }
}
