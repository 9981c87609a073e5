package io.customerpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Whole rows of a dashboard table, every column, rendered the same way from the database and from a
 * replay's JSON lines (whose fields are named like the columns), so that the soak and the
 * end-to-end tests compare what a reader of the table sees, not a few chosen columns. Only the
 * write's own wall clock ({@code written_at}) is left out. Timestamps render as {@link Instant},
 * fractional numbers as the double they hold, null as {@code null}.
 */
public final class TableRows {
    /** Columns holding when the row was written, not what was computed. */
    public static final Set<String> WALL_CLOCK = Set.of("written_at");

    private TableRows() {}

    /** The table's columns, in table order, without {@link #WALL_CLOCK}. */
    public static List<String> columns(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT * FROM " + table + " WHERE false")) {
            ResultSetMetaData m = r.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                if (!WALL_CLOCK.contains(m.getColumnName(i))) {
                    columns.add(m.getColumnName(i));
                }
            }
            return columns;
        }
    }

    /** The current row of {@code r}. */
    public static String of(ResultSet r, List<String> columns) throws SQLException {
        StringJoiner row = new StringJoiner("|");
        for (String column : columns) {
            row.add(column + "=" + canonical(r.getObject(column)));
        }
        return row.toString();
    }

    /** A replay's record of the same table; a field it lacks reads as null. */
    public static String of(JsonNode n, List<String> columns) {
        StringJoiner row = new StringJoiner("|");
        for (String column : columns) {
            row.add(column + "=" + canonical(n.get(column)));
        }
        return row.toString();
    }

    private static String canonical(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (value instanceof Double || value instanceof Float) {
            return Double.toString(((Number) value).doubleValue());
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof java.sql.Date) {
            return value.toString();
        }
        return text(value.toString().strip()); // char(n) pads with blanks
    }

    private static String canonical(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isFloatingPointNumber()) {
            return Double.toString(n.doubleValue());
        }
        if (n.isNumber() || n.isBoolean()) {
            return n.asText();
        }
        return text(n.asText());
    }

    /** An instant written either way ("…:00Z", "…:00.000Z") reads the same. */
    private static String text(String s) {
        if (s.length() >= 20 && s.charAt(10) == 'T' && s.endsWith("Z")) {
            try {
                return Instant.parse(s).toString();
            } catch (java.time.format.DateTimeParseException notAnInstant) {
                return s;
            }
        }
        return s;
    }
}
