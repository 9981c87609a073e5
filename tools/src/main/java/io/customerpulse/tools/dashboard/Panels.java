package io.customerpulse.tools.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.customerpulse.json.AvroJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the page shows, each panel one query of the dashboard views (V2, V5, V6) or an indexed
 * lookup, as JSON: rows of column → value. Every query answers in milliseconds at a million
 * customers (BENCHMARKS.md section 5).
 */
final class Panels {
    /** The panels the page refreshes, by name. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("segments", "SELECT * FROM segment_counts ORDER BY customers DESC, segment");
        QUERIES.put(
                "segmentsDaily",
                "SELECT day, segment, customers FROM segment_counts_daily ORDER BY day, segment");
        QUERIES.put("clv", "SELECT * FROM clv_distribution ORDER BY bucket");
        QUERIES.put("gmv", "SELECT * FROM gmv_concentration");
        QUERIES.put("cohorts", "SELECT * FROM cohort_retention ORDER BY cohort");
        QUERIES.put(
                "campaigns",
                "SELECT campaign_id, impressions, clicks, spend_minor, attributed_sales_minor, ctr,"
                        + " ctr_ref_min, acos, acos_ref_max, cpm, cpm_ref_min, cpm_ref_max, roas,"
                        + " cac FROM campaign_performance ORDER BY spend_minor DESC, campaign_id"
                        + " LIMIT 50");
        QUERIES.put(
                "churn",
                "SELECT customer_id, at, from_segment, reason, clv_minor FROM segment_change"
                        + " WHERE to_segment = 'CHURN_RISK' ORDER BY at DESC, customer_id LIMIT 20");
        QUERIES.put(
                "actions",
                "SELECT action_id, customer_id, action, status, priority, due_at, reason FROM"
                        + " customer_action ORDER BY due_at DESC, action_id LIMIT 20");
        QUERIES.put(
                "health",
                "SELECT marketplace, day, final, metric, value, healthy_when, threshold, healthy"
                        + " FROM seller_health_now ORDER BY marketplace, metric");
    }

    private Panels() {}

    /** Every panel, read in one transaction (one snapshot: the panels agree). */
    static ObjectNode all(Connection c) throws SQLException {
        ObjectNode out = AvroJson.MAPPER.createObjectNode();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            c.createStatement()
                    .execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            for (Map.Entry<String, String> q : QUERIES.entrySet()) {
                try (PreparedStatement s = c.prepareStatement(q.getValue())) {
                    out.set(q.getKey(), rows(s.executeQuery()));
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
        return out;
    }

    /** One customer's profile (null if none) and segment history. */
    static ObjectNode customer(Connection c, String id) throws SQLException {
        ObjectNode out = AvroJson.MAPPER.createObjectNode();
        try (PreparedStatement s =
                c.prepareStatement("SELECT * FROM customer_profile WHERE customer_id = ?")) {
            s.setString(1, id);
            ArrayNode rows = rows(s.executeQuery());
            out.set("profile", rows.isEmpty() ? null : rows.get(0));
        }
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT at, from_segment, to_segment, reason, clv_minor FROM"
                                + " segment_change WHERE customer_id = ? ORDER BY at, version")) {
            s.setString(1, id);
            out.set("history", rows(s.executeQuery()));
        }
        return out;
    }

    static ArrayNode rows(ResultSet r) throws SQLException {
        ArrayNode rows = AvroJson.MAPPER.createArrayNode();
        ResultSetMetaData m = r.getMetaData();
        while (r.next()) {
            ObjectNode row = rows.addObject();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                String name = m.getColumnLabel(i);
                switch (m.getColumnType(i)) {
                    case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> {
                        long v = r.getLong(i);
                        if (r.wasNull()) {
                            row.putNull(name);
                        } else {
                            row.put(name, v);
                        }
                    }
                    case Types.NUMERIC, Types.DECIMAL, Types.DOUBLE, Types.REAL -> {
                        java.math.BigDecimal v = r.getBigDecimal(i);
                        if (v == null) {
                            row.putNull(name);
                        } else {
                            row.put(name, v);
                        }
                    }
                    case Types.BOOLEAN, Types.BIT -> {
                        boolean v = r.getBoolean(i);
                        if (r.wasNull()) {
                            row.putNull(name);
                        } else {
                            row.put(name, v);
                        }
                    }
                    case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> {
                        OffsetDateTime t = r.getObject(i, OffsetDateTime.class);
                        row.put(name, t == null ? null : t.toInstant().toString());
                    }
                    default -> row.put(name, r.getString(i));
                }
            }
        }
        return rows;
    }
}
