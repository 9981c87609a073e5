package io.customerpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A campaign day as one comparable string, read from a replay's {@code campaign_daily.jsonl} or
 * from the {@code campaign_daily} table: every figure, the final flag and the version. The soak and
 * the end-to-end tests compare the live job's rows with a replay's this way.
 */
public final class CampaignRows {
    private CampaignRows() {}

    public static String of(JsonNode n) {
        return String.join(
                "|",
                n.get("impressions").asText(),
                n.get("clicks").asText(),
                n.get("spend_minor").asText(),
                n.get("attributed_orders").asText(),
                n.get("attributed_sales_minor").asText(),
                n.get("attributed_returns_minor").asText(),
                n.get("new_customers").asText(),
                n.get("final").asText(),
                n.get("version").asText());
    }

    public static String of(ResultSet r) throws SQLException {
        return String.join(
                "|",
                r.getString("impressions"),
                r.getString("clicks"),
                r.getString("spend_minor"),
                r.getString("attributed_orders"),
                r.getString("attributed_sales_minor"),
                r.getString("attributed_returns_minor"),
                r.getString("new_customers"),
                String.valueOf(r.getBoolean("final")),
                r.getString("version"));
    }
}
