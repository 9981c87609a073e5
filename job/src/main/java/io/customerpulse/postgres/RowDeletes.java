package io.customerpulse.postgres;

import io.customerpulse.avro.CustomerErasure;
import io.customerpulse.erasure.AfterCheckpointSink;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;

/**
 * Erasure in the tables (DESIGN section 13): deletes the customer's rows up to the erasure time
 * from customer_profile, segment_change and customer_action, in one transaction, once the
 * checkpoint covering the erasure is complete ({@link AfterCheckpointSink}): every row the job
 * wrote of the customer before the erasure is in the tables by then, and nothing of theirs up to it
 * comes later. Rows after the erasure time (a new history) stay. Deleting again is harmless.
 */
final class RowDeletes implements AfterCheckpointSink.Action {
    static final String DELETE_PROFILE =
            "DELETE FROM customer_profile WHERE customer_id = ? AND updated_at <= ?";
    static final String DELETE_SEGMENT_CHANGES =
            "DELETE FROM segment_change WHERE customer_id = ? AND at <= ?";
    static final String DELETE_ACTIONS =
            "DELETE FROM customer_action WHERE customer_id = ? AND due_at <= ?";

    private final PostgresSettings pg;
    private Connection connection;

    RowDeletes(PostgresSettings pg) {
        this.pg = pg;
    }

    /** The sink of the row deletions. */
    static AfterCheckpointSink sink(PostgresSettings pg) {
        return new AfterCheckpointSink(() -> new RowDeletes(pg));
    }

    @Override
    public void apply(List<CustomerErasure> erasures) throws IOException {
        try {
            if (connection == null || !connection.isValid(5)) {
                close();
                Properties p = PostgresSettings.driverDefaults();
                p.setProperty("user", pg.user());
                String password = PostgresSettings.password();
                if (password != null) {
                    p.setProperty("password", password);
                }
                connection = DriverManager.getConnection(pg.url(), p);
                connection.setAutoCommit(false);
            }
            for (String sql : List.of(DELETE_PROFILE, DELETE_SEGMENT_CHANGES, DELETE_ACTIONS)) {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (CustomerErasure e : erasures) {
                        ps.setString(1, e.getCustomerId());
                        ps.setObject(2, OffsetDateTime.ofInstant(e.getErasedAt(), ZoneOffset.UTC));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            close();
            throw new IOException(
                    "erasure: rows of " + erasures.size() + " customers not deleted", e);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to do with it
            }
            connection = null;
        }
    }
}
