package io.customerpulse.postgres;

import io.customerpulse.PulseSinks;
import io.customerpulse.Uids;
import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.SellerHealth;
import io.customerpulse.profile.ProfileEngine;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Writes the dashboard tables through Flink's JDBC sink, batched, each from a thread of its own
 * ({@link BackgroundJdbcSink}: the task thread only hands rows over). Every statement is
 * idempotent, so the at-least-once sink replaying a batch after a failure never double-counts or
 * moves a row backwards: profiles are upserted only when the incoming (updated_at, version) is
 * newer (a customer's new history after an expiry starts at version 1 again), campaign days when
 * the incoming version is newer; segment changes are inserted once per natural key.
 */
public final class PostgresSinks implements PulseSinks {
    static final String UPSERT_PROFILE =
            "INSERT INTO customer_profile (customer_id, currency, orders_total, gmv_minor,"
                    + " refunds_minor, returned_orders, return_rate, net_revenue_minor, orders_90d,"
                    + " first_order_at, last_order_at, last_interaction_at, repeat_gap_days,"
                    + " acquisition_campaign, cac_minor, segment, segment_since, version, updated_at,"
                    + " repeat_purchases, repeat_value_minor, expected_orders_90d, p_alive,"
                    + " predicted_clv_minor, clv_model, expired_at)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    + " ON CONFLICT (customer_id) DO UPDATE SET currency = EXCLUDED.currency,"
                    + " orders_total = EXCLUDED.orders_total, gmv_minor = EXCLUDED.gmv_minor,"
                    + " refunds_minor = EXCLUDED.refunds_minor,"
                    + " returned_orders = EXCLUDED.returned_orders,"
                    + " return_rate = EXCLUDED.return_rate,"
                    + " net_revenue_minor = EXCLUDED.net_revenue_minor,"
                    + " orders_90d = EXCLUDED.orders_90d, first_order_at = EXCLUDED.first_order_at,"
                    + " last_order_at = EXCLUDED.last_order_at,"
                    + " last_interaction_at = EXCLUDED.last_interaction_at,"
                    + " repeat_gap_days = EXCLUDED.repeat_gap_days,"
                    + " acquisition_campaign = EXCLUDED.acquisition_campaign,"
                    + " cac_minor = EXCLUDED.cac_minor, segment = EXCLUDED.segment,"
                    + " segment_since = EXCLUDED.segment_since, version = EXCLUDED.version,"
                    + " updated_at = EXCLUDED.updated_at,"
                    + " repeat_purchases = EXCLUDED.repeat_purchases,"
                    + " repeat_value_minor = EXCLUDED.repeat_value_minor,"
                    + " expected_orders_90d = EXCLUDED.expected_orders_90d,"
                    + " p_alive = EXCLUDED.p_alive, predicted_clv_minor = EXCLUDED.predicted_clv_minor,"
                    + " clv_model = EXCLUDED.clv_model, expired_at = EXCLUDED.expired_at,"
                    + " written_at = now()"
                    // the newer step wins; a history after an expiry starts at version 1 again
                    + " WHERE (customer_profile.updated_at, customer_profile.version)"
                    + " < (EXCLUDED.updated_at, EXCLUDED.version)";

    static final String INSERT_SEGMENT_CHANGE =
            "INSERT INTO segment_change (customer_id, at, to_segment, from_segment, reason,"
                    + " clv_minor, version) VALUES (?,?,?,?,?,?,?)"
                    + " ON CONFLICT (customer_id, at, to_segment) DO NOTHING";

    static final String UPSERT_ACTION =
            "INSERT INTO customer_action (action_id, customer_id, marketplace, action, due_at,"
                    + " order_id, priority, status, reason, stale) VALUES (?,?,?,?,?,?,?,?,?,?)"
                    + " ON CONFLICT (action_id) DO UPDATE SET customer_id = EXCLUDED.customer_id,"
                    + " marketplace = EXCLUDED.marketplace, action = EXCLUDED.action,"
                    + " due_at = EXCLUDED.due_at, order_id = EXCLUDED.order_id,"
                    + " priority = EXCLUDED.priority, status = EXCLUDED.status,"
                    + " reason = EXCLUDED.reason, stale = EXCLUDED.stale, written_at = now()";

    static final String UPSERT_SELLER_HEALTH =
            "INSERT INTO seller_health (marketplace, day, orders_90d, feedback_90d,"
                    + " negative_feedback_90d, positive_feedback_90d, negative_feedback_rate,"
                    + " positive_feedback_share, messages_due_90d, answered_in_24h_90d,"
                    + " response_rate, month_gmv_minor, repeat_buyer_gmv_minor,"
                    + " repeat_buyer_gmv_share, negative_feedback_max, positive_feedback_min,"
                    + " response_rate_min, negative_feedback_ok, positive_feedback_ok, response_ok,"
                    + " final, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    + " ON CONFLICT (marketplace, day) DO UPDATE SET"
                    + " orders_90d = EXCLUDED.orders_90d, feedback_90d = EXCLUDED.feedback_90d,"
                    + " negative_feedback_90d = EXCLUDED.negative_feedback_90d,"
                    + " positive_feedback_90d = EXCLUDED.positive_feedback_90d,"
                    + " negative_feedback_rate = EXCLUDED.negative_feedback_rate,"
                    + " positive_feedback_share = EXCLUDED.positive_feedback_share,"
                    + " messages_due_90d = EXCLUDED.messages_due_90d,"
                    + " answered_in_24h_90d = EXCLUDED.answered_in_24h_90d,"
                    + " response_rate = EXCLUDED.response_rate,"
                    + " month_gmv_minor = EXCLUDED.month_gmv_minor,"
                    + " repeat_buyer_gmv_minor = EXCLUDED.repeat_buyer_gmv_minor,"
                    + " repeat_buyer_gmv_share = EXCLUDED.repeat_buyer_gmv_share,"
                    + " negative_feedback_max = EXCLUDED.negative_feedback_max,"
                    + " positive_feedback_min = EXCLUDED.positive_feedback_min,"
                    + " response_rate_min = EXCLUDED.response_rate_min,"
                    + " negative_feedback_ok = EXCLUDED.negative_feedback_ok,"
                    + " positive_feedback_ok = EXCLUDED.positive_feedback_ok,"
                    + " response_ok = EXCLUDED.response_ok, final = EXCLUDED.final,"
                    + " version = EXCLUDED.version, written_at = now()"
                    + " WHERE seller_health.version < EXCLUDED.version";

    static final String UPSERT_CAMPAIGN_DAY =
            "INSERT INTO campaign_daily (campaign_id, day, currency, impressions, clicks,"
                    + " spend_minor, ctr, cpc, cpm, attributed_orders, attributed_sales_minor,"
                    + " attributed_returns_minor, acos, roas, new_customers, cac, ctr_ok, acos_ok,"
                    + " cpm_ok, final, version, updated_at)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    + " ON CONFLICT (campaign_id, day) DO UPDATE SET currency = EXCLUDED.currency,"
                    + " impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks,"
                    + " spend_minor = EXCLUDED.spend_minor, ctr = EXCLUDED.ctr, cpc = EXCLUDED.cpc,"
                    + " cpm = EXCLUDED.cpm, attributed_orders = EXCLUDED.attributed_orders,"
                    + " attributed_sales_minor = EXCLUDED.attributed_sales_minor,"
                    + " attributed_returns_minor = EXCLUDED.attributed_returns_minor,"
                    + " acos = EXCLUDED.acos, roas = EXCLUDED.roas,"
                    + " new_customers = EXCLUDED.new_customers, cac = EXCLUDED.cac,"
                    + " ctr_ok = EXCLUDED.ctr_ok, acos_ok = EXCLUDED.acos_ok,"
                    + " cpm_ok = EXCLUDED.cpm_ok, final = EXCLUDED.final,"
                    + " version = EXCLUDED.version, updated_at = EXCLUDED.updated_at"
                    + " WHERE campaign_daily.version < EXCLUDED.version";

    private final PostgresSettings pg;

    public PostgresSinks(PostgresSettings pg) {
        this.pg = pg;
    }

    @Override
    public void attach(Streams s) {
        s.profiles()
                .filter(p -> p.getErasedAt() == null) // an erasure's marker: RowDeletes below
                .uid(Uids.PG_PROFILES_NOT_ERASURES)
                .name("profiles, not erasures")
                .sinkTo(sink("customer_profile", UPSERT_PROFILE, PostgresSinks::profile))
                .uid(Uids.PG_PROFILES)
                .name("postgres customer_profile");
        s.segmentChanges()
                .sinkTo(sink("segment_change", INSERT_SEGMENT_CHANGE, PostgresSinks::segmentChange))
                .uid(Uids.PG_SEGMENT_CHANGES)
                .name("postgres segment_change");
        s.customerActions()
                .sinkTo(sink("customer_action", UPSERT_ACTION, PostgresSinks::action))
                .uid(Uids.PG_ACTIONS)
                .name("postgres customer_action");
        s.sellerHealth()
                .sinkTo(sink("seller_health", UPSERT_SELLER_HEALTH, PostgresSinks::sellerHealth))
                .uid(Uids.PG_SELLER_HEALTH)
                .name("postgres seller_health");
        s.campaignDaily()
                .sinkTo(sink("campaign_daily", UPSERT_CAMPAIGN_DAY, PostgresSinks::campaignDay))
                .uid(Uids.PG_CAMPAIGNS)
                .name("postgres campaign_daily");
        // erasures: the customer's rows up to the erasure deleted, after the checkpoint
        s.erasures().sinkTo(RowDeletes.sink(pg)).uid(Uids.PG_ERASURES).name("postgres erasures");
    }

    private <T> BackgroundJdbcSink<T> sink(
            String table, String sql, JdbcStatementBuilder<T> statement) {
        PostgresSettings settings = pg;
        return new BackgroundJdbcSink<>(
                () -> jdbcSink(settings, sql, statement),
                "postgres writer " + table,
                2 * pg.batchSize()); // a batch being written and the next one filling
    }

    /**
     * The connector's sink. Built where it runs ({@link BackgroundJdbcSink} calls this on the
     * TaskManager), so the password is read from that process's environment and is never part of
     * the job graph.
     */
    private static <T> JdbcSink<T> jdbcSink(
            PostgresSettings pg, String sql, JdbcStatementBuilder<T> statement) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(pg.url())
                        .withDriverName("org.postgresql.Driver")
                        .withUsername(pg.user());
        PostgresSettings.driverDefaults()
                .forEach((k, v) -> connection.withProperty((String) k, (String) v));
        String password = PostgresSettings.password();
        if (password != null) {
            connection.withPassword(password);
        }
        return JdbcSink.<T>builder()
                .withQueryStatement(sql, statement)
                .withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(pg.batchSize())
                                .withBatchIntervalMs(pg.batchInterval().toMillis())
                                .withMaxRetries(pg.maxRetries())
                                .build())
                .buildAtLeastOnce(connection.build());
    }

    static void sellerHealth(PreparedStatement ps, SellerHealth h) throws SQLException {
        ps.setString(1, h.getMarketplace());
        ps.setObject(2, h.getDay(), Types.DATE);
        ps.setLong(3, h.getOrders90d());
        ps.setLong(4, h.getFeedback90d());
        ps.setLong(5, h.getNegativeFeedback90d());
        ps.setLong(6, h.getPositiveFeedback90d());
        ps.setObject(7, h.getNegativeFeedbackRate(), Types.DOUBLE);
        ps.setObject(8, h.getPositiveFeedbackShare(), Types.DOUBLE);
        ps.setLong(9, h.getMessagesDue90d());
        ps.setLong(10, h.getAnsweredIn24h90d());
        ps.setObject(11, h.getResponseRate(), Types.DOUBLE);
        ps.setLong(12, h.getMonthGmvMinor());
        ps.setLong(13, h.getRepeatBuyerGmvMinor());
        ps.setObject(14, h.getRepeatBuyerGmvShare(), Types.DOUBLE);
        ps.setDouble(15, h.getNegativeFeedbackMax());
        ps.setDouble(16, h.getPositiveFeedbackMin());
        ps.setDouble(17, h.getResponseRateMin());
        ps.setObject(18, h.getNegativeFeedbackOk(), Types.BOOLEAN);
        ps.setObject(19, h.getPositiveFeedbackOk(), Types.BOOLEAN);
        ps.setObject(20, h.getResponseOk(), Types.BOOLEAN);
        ps.setBoolean(21, h.getFinal$());
        ps.setInt(22, h.getVersion());
    }

    static void action(PreparedStatement ps, CustomerAction a) throws SQLException {
        ps.setString(1, a.getActionId());
        ps.setString(2, a.getCustomerId());
        ps.setString(3, a.getMarketplace());
        ps.setString(4, a.getAction());
        time(ps, 5, a.getDueAt());
        ps.setString(6, a.getOrderId());
        ps.setString(7, a.getPriority());
        ps.setString(8, a.getStatus());
        ps.setString(9, a.getReason());
        ps.setBoolean(10, a.getStale());
    }

    static void profile(PreparedStatement ps, CustomerProfile p) throws SQLException {
        ps.setString(1, p.getCustomerId());
        ps.setString(2, p.getCurrency());
        ps.setLong(3, p.getOrdersTotal());
        ps.setLong(4, p.getGmvMinor());
        ps.setLong(5, p.getRefundsMinor());
        ps.setLong(6, p.getReturnedOrders());
        ps.setDouble(7, p.getReturnRate());
        ps.setLong(8, p.getNetRevenueMinor());
        ps.setInt(9, p.getOrders90d());
        time(ps, 10, p.getFirstOrderAt());
        time(ps, 11, p.getLastOrderAt());
        time(ps, 12, p.getLastInteractionAt());
        ps.setObject(13, p.getRepeatGapDays(), Types.DOUBLE);
        ps.setString(14, p.getAcquisitionCampaign());
        ps.setObject(15, p.getCacMinor(), Types.BIGINT);
        ps.setString(16, p.getSegment() == null ? null : p.getSegment().name());
        time(ps, 17, p.getSegmentSince());
        ps.setLong(18, p.getVersion());
        time(ps, 19, p.getUpdatedAt());
        ps.setInt(20, p.getRepeatPurchases());
        ps.setLong(21, p.getRepeatValueMinor());
        ps.setObject(22, p.getExpectedOrders90d(), Types.DOUBLE);
        ps.setObject(23, p.getPAlive(), Types.DOUBLE);
        ps.setObject(24, p.getPredictedClvMinor(), Types.BIGINT);
        ps.setString(25, p.getClvModel());
        time(ps, 26, p.getExpiredAt());
    }

    static void segmentChange(PreparedStatement ps, SegmentChange c) throws SQLException {
        ps.setString(1, c.getCustomerId());
        time(ps, 2, c.getAt());
        // a change to no segment (an expiry) is stored as EXPIRED: to_segment is in the key
        ps.setString(3, c.getToSegment() == null ? ProfileEngine.EXPIRED : c.getToSegment().name());
        ps.setString(4, c.getFromSegment() == null ? null : c.getFromSegment().name());
        ps.setString(5, c.getReason());
        ps.setLong(6, c.getClvMinor());
        ps.setLong(7, c.getVersion());
    }

    static void campaignDay(PreparedStatement ps, CampaignDaily r) throws SQLException {
        ps.setString(1, r.getCampaignId());
        ps.setObject(2, r.getDay(), Types.DATE);
        ps.setString(3, r.getCurrency());
        ps.setLong(4, r.getImpressions());
        ps.setLong(5, r.getClicks());
        ps.setLong(6, r.getSpendMinor());
        ps.setObject(7, r.getCtr(), Types.DOUBLE);
        ps.setObject(8, r.getCpc(), Types.DOUBLE);
        ps.setObject(9, r.getCpm(), Types.DOUBLE);
        ps.setLong(10, r.getAttributedOrders());
        ps.setLong(11, r.getAttributedSalesMinor());
        ps.setLong(12, r.getAttributedReturnsMinor());
        ps.setObject(13, r.getAcos(), Types.DOUBLE);
        ps.setObject(14, r.getRoas(), Types.DOUBLE);
        ps.setLong(15, r.getNewCustomers());
        ps.setObject(16, r.getCac(), Types.DOUBLE);
        ps.setObject(17, r.getCtrOk(), Types.BOOLEAN);
        ps.setObject(18, r.getAcosOk(), Types.BOOLEAN);
        ps.setObject(19, r.getCpmOk(), Types.BOOLEAN);
        ps.setBoolean(20, r.getFinal$());
        ps.setLong(21, r.getVersion());
        time(ps, 22, r.getUpdatedAt());
    }

    private static void time(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        }
    }
}
