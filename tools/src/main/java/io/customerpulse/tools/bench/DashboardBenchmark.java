package io.customerpulse.tools.bench;

import io.customerpulse.config.Cli;
import io.customerpulse.testkit.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dashboard's queries at seller scale (issue 16): a PostgreSQL of this machine with the
 * project's migrations, {@code --customers} profile rows and three segment changes each, seeded in
 * bulk and folded into the aggregates as the V6 migration does for existing data; then every query
 * the page makes, each {@code --repeats} times (median and slowest); then the same after {@code
 * --updates} profile updates through the triggers without a rollup (the deltas a few seconds of a
 * busy job leave), the rollup's time, and the trigger's cost per write. With {@code --exact} the
 * scanning views of V2 are timed once each for comparison.
 */
@Command(
        name = "bench dashboard",
        mixinStandardHelpOptions = true,
        description = "Times the dashboard's queries on a seeded PostgreSQL.")
public final class DashboardBenchmark implements Callable<Integer> {
    @Option(names = "--customers", defaultValue = "1000000")
    int customers;

    @Option(names = "--repeats", defaultValue = "15")
    int repeats;

    @Option(names = "--updates", defaultValue = "20000")
    int updates;

    @Option(
            names = "--exact",
            description = "also time the V2 views (segment_counts_daily_exact: minutes)")
    boolean exact;

    /** What the page asks, by name. */
    static final Map<String, String> PAGE = new LinkedHashMap<>();

    static {
        PAGE.put("segment_counts", "SELECT * FROM segment_counts ORDER BY segment");
        PAGE.put(
                "segment_counts_daily", "SELECT * FROM segment_counts_daily ORDER BY day, segment");
        PAGE.put("clv_distribution", "SELECT * FROM clv_distribution ORDER BY bucket");
        PAGE.put("gmv_concentration", "SELECT * FROM gmv_concentration");
        PAGE.put("cohort_retention", "SELECT * FROM cohort_retention ORDER BY cohort");
        PAGE.put("campaign_performance", "SELECT * FROM campaign_performance");
        PAGE.put("seller_health_now", "SELECT * FROM seller_health_now");
        PAGE.put(
                "churn feed (50 latest)",
                "SELECT * FROM segment_change WHERE to_segment = 'CHURN_RISK' ORDER BY at DESC"
                        + " LIMIT 50");
        PAGE.put(
                "action feed (50 latest)",
                "SELECT * FROM customer_action ORDER BY due_at DESC LIMIT 50");
        PAGE.put("customer look-up", "SELECT * FROM customer_profile WHERE customer_id = 'c4242'");
        PAGE.put(
                "segment history",
                "SELECT * FROM segment_change WHERE customer_id = 'c4242' ORDER BY at, version");
    }

    public static void main(String[] args) {
        Cli.exit(new DashboardBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("bench-dashboard");
        try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"))) {
            String url = postgres.database("customer_pulse");
            Flyway.configure(DashboardBenchmark.class.getClassLoader())
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement()) {
                System.out.printf(
                        "seeding %,d customers and %,d segment changes ...%n",
                        customers, 3L * customers);
                long t0 = System.nanoTime();
                seed(s);
                System.out.printf(
                        "seeded and folded in %.0f s; dashboard_total holds %s rows%n",
                        seconds(t0), one(s, "SELECT count(*) FROM dashboard_total"));
                s.execute("VACUUM ANALYZE");
                System.out.println("\nthe page's queries, folded (ms):");
                time(s);

                t0 = System.nanoTime();
                s.execute(
                        "UPDATE customer_profile SET gmv_minor = gmv_minor + 1000, net_revenue_minor"
                                + " = net_revenue_minor + 1000, orders_total = orders_total + 1,"
                                + " version = version + 1 WHERE customer_id IN (SELECT 'c' ||"
                                + " (1 + (i * 7919) % "
                                + customers
                                + ") FROM generate_series(1, "
                                + updates
                                + ") i)");
                double withTrigger = seconds(t0);
                System.out.printf(
                        "%n%,d profile updates through the trigger: %.2f s (%.0f µs each);"
                                + " %s deltas waiting%n",
                        updates,
                        withTrigger,
                        withTrigger * 1e6 / updates,
                        one(s, "SELECT count(*) FROM dashboard_delta"));
                System.out.println("the page's queries with those deltas not folded (ms):");
                time(s);
                t0 = System.nanoTime();
                String folded = one(s, "SELECT dashboard_rollup()");
                System.out.printf(
                        "dashboard_rollup(): %s deltas in %.0f ms%n", folded, seconds(t0) * 1000);

                s.execute(
                        "ALTER TABLE customer_profile DISABLE TRIGGER customer_profile_dashboard");
                t0 = System.nanoTime();
                s.execute(
                        "UPDATE customer_profile SET gmv_minor = gmv_minor + 1000, net_revenue_minor"
                                + " = net_revenue_minor + 1000, version = version + 1 WHERE"
                                + " customer_id IN (SELECT 'c' || (1 + (i * 7919) % "
                                + customers
                                + ") FROM generate_series(1, "
                                + updates
                                + ") i)");
                double without = seconds(t0);
                s.execute("ALTER TABLE customer_profile ENABLE TRIGGER customer_profile_dashboard");
                System.out.printf(
                        "the same updates without the trigger: %.2f s (%.0f µs each): the trigger"
                                + " costs %.1f× a profile write%n",
                        without, without * 1e6 / updates, withTrigger / without);

                if (exact) {
                    System.out.println("\nthe V2 views, scanning every row (ms, once each):");
                    for (String v :
                            List.of(
                                    "segment_counts_exact",
                                    "clv_distribution_exact",
                                    "gmv_concentration_exact",
                                    "cohort_retention_exact",
                                    "segment_counts_daily_exact")) {
                        long t = System.nanoTime();
                        int rows = 0;
                        try (ResultSet r = s.executeQuery("SELECT * FROM " + v)) {
                            while (r.next()) {
                                rows++;
                            }
                        }
                        System.out.printf("  %-28s %,10.0f %6d%n", v, seconds(t) * 1000, rows);
                    }
                }
            }
        }
        return 0;
    }

    private void seed(Statement s) throws Exception {
        s.execute("ALTER TABLE customer_profile DISABLE TRIGGER customer_profile_dashboard");
        s.execute("ALTER TABLE segment_change DISABLE TRIGGER segment_change_dashboard");
        s.execute("SELECT setseed(0.42)");
        s.execute(
                "INSERT INTO customer_profile (customer_id, currency, orders_total, gmv_minor,"
                        + " refunds_minor, returned_orders, return_rate, net_revenue_minor,"
                        + " orders_90d, first_order_at, last_order_at, last_interaction_at,"
                        + " repeat_gap_days, segment, segment_since, version, updated_at)"
                        + " SELECT 'c' || i, 'USD', o, g, r, (r > 0)::int, 0, g - r, 0, f, f, f,"
                        + " CASE WHEN o > 1 THEN gap END, seg, f, 1, now() FROM (SELECT i,"
                        + " o, CASE WHEN o > 0 THEN exp(7 + 4 * random())::bigint ELSE 0 END AS g,"
                        + " 0::bigint AS r, CASE WHEN o > 0 THEN timestamptz '2023-01-01' +"
                        + " random() * interval '730 days' END AS f, random() * 150 AS gap,"
                        + " (ARRAY['PROSPECT','POTENTIAL','REPEAT','HIGH_VALUE','AT_RISK',"
                        + "'CHURN_RISK'])[1 + floor(random() * 6)::int] AS seg FROM (SELECT i,"
                        + " floor(random() * 8)::int AS o FROM generate_series(1, "
                        + customers
                        + ") i) a) b");
        s.execute(
                "UPDATE customer_profile SET refunds_minor = gmv_minor / 3, net_revenue_minor ="
                        + " gmv_minor - gmv_minor / 3 WHERE orders_total > 0 AND"
                        + " hashtext(customer_id) % 10 = 0");
        s.execute(
                "INSERT INTO segment_change (customer_id, at, to_segment, from_segment, reason,"
                        + " clv_minor, version) SELECT 'c' || i, at, seg, lag(seg) OVER (PARTITION"
                        + " BY i ORDER BY k), 'BENCH', 0, k + 1 FROM (SELECT i, k,"
                        + " (ARRAY['PROSPECT','POTENTIAL','REPEAT','HIGH_VALUE','AT_RISK',"
                        + "'CHURN_RISK'])[1 + floor(random() * 6)::int] AS seg, timestamptz"
                        + " '2023-01-01' + (k * 240 + random() * 200) * interval '1 day' AS at"
                        + " FROM generate_series(1, "
                        + customers
                        + ") i, generate_series(0, 2) k) x");
        // what V6 does for the rows a database held before it
        s.execute(
                "INSERT INTO dashboard_delta (kind, key, customers, amount) SELECT c.kind, c.key,"
                        + " sum(c.customers), sum(c.amount) FROM customer_profile p, LATERAL"
                        + " dashboard_contributions(p) c GROUP BY c.kind, c.key");
        s.execute(
                "INSERT INTO dashboard_delta (kind, key, customers, amount) SELECT c.kind, c.key,"
                        + " sum(c.customers), sum(c.amount) FROM segment_change x, LATERAL"
                        + " dashboard_change_contributions(x) c GROUP BY c.kind, c.key");
        s.execute("SELECT dashboard_rollup()");
        s.execute("ALTER TABLE customer_profile ENABLE TRIGGER customer_profile_dashboard");
        s.execute("ALTER TABLE segment_change ENABLE TRIGGER segment_change_dashboard");
    }

    private void time(Statement s) throws Exception {
        System.out.printf("  %-28s %8s %8s %6s%n", "query", "median", "max", "rows");
        for (Map.Entry<String, String> q : PAGE.entrySet()) {
            double[] ms = new double[repeats];
            int rows = 0;
            for (int i = 0; i < repeats; i++) {
                long t = System.nanoTime();
                rows = 0;
                try (ResultSet r = s.executeQuery(q.getValue())) {
                    while (r.next()) {
                        rows++;
                    }
                }
                ms[i] = seconds(t) * 1000;
            }
            Arrays.sort(ms);
            System.out.printf(
                    "  %-28s %8.1f %8.1f %6d%n",
                    q.getKey(), ms[repeats / 2], ms[repeats - 1], rows);
        }
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static double seconds(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1e9;
    }
}
