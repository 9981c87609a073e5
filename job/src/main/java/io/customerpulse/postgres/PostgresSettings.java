package io.customerpulse.postgres;

import java.io.Serializable;
import java.time.Duration;

/**
 * PostgreSQL settings. The password, a secret, comes from the environment ({@code
 * CUSTOMER_PULSE_POSTGRES_PASSWORD}); without it the driver connects without one (local trust).
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

    /** The password from the environment, or null. */
    public static String password() {
        String p = System.getenv(PASSWORD_ENV);
        return p == null || p.isEmpty() ? null : p;
    }
}
