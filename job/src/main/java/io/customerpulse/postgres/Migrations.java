package io.customerpulse.postgres;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates the dashboard schema with Flyway: versioned scripts in {@code
 * src/main/resources/db/migration}, applied once each and recorded in {@code
 * flyway_schema_history}. Never edit an applied script; add the next version.
 */
public final class Migrations {
    private Migrations() {}

    /** Applies pending migrations; returns how many. */
    public static int migrate(PostgresSettings pg) {
        MigrateResult result =
                Flyway.configure(Migrations.class.getClassLoader())
                        .dataSource(pg.url(), pg.user(), PostgresSettings.password())
                        .locations("classpath:db/migration")
                        .load()
                        .migrate();
        return result.migrationsExecuted;
    }
}
