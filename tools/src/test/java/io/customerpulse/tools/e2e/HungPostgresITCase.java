package io.customerpulse.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.testkit.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL that stops answering (SIGSTOP: not down, not refusing) against the driver settings
 * every job connection carries: a statement and a new connection fail within their timeouts instead
 * of blocking the writer, and so the task, forever.
 */
class HungPostgresITCase {
    @TempDir Path dir;

    @Test
    void shouldGiveUpOnADatabaseThatStopsAnswering() throws Exception {
        try (LocalPostgres db = LocalPostgres.start(dir.resolve("pg"))) {
            String url = db.database("hung");
            Properties settings = PostgresSettings.driverDefaults();
            try (Connection c = DriverManager.getConnection(url, settings)) {
                assertThat(one(c)).isEqualTo(1);
                db.freeze();
                try {
                    long start = System.nanoTime();
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(90),
                            () ->
                                    assertThatThrownBy(() -> one(c))
                                            .isInstanceOf(SQLException.class));
                    long statementMs = (System.nanoTime() - start) / 1_000_000;
                    start = System.nanoTime();
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(60),
                            () ->
                                    assertThatThrownBy(
                                                    () ->
                                                            DriverManager.getConnection(
                                                                            url, settings)
                                                                    .close())
                                            .isInstanceOf(SQLException.class));
                    System.out.printf(
                            "hung PostgreSQL: the statement failed after %d ms, a new connection"
                                    + " after %d ms%n",
                            statementMs, (System.nanoTime() - start) / 1_000_000);
                } finally {
                    db.thaw();
                }
            }
            try (Connection again = DriverManager.getConnection(url, settings)) {
                assertThat(one(again)).isEqualTo(1); // answers again once resumed
            }
        }
    }

    private static int one(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
            return r.getInt(1);
        }
    }
}
