package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.tools.dashboard.DashboardServer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard page in a real headless browser (Debian's Chromium; scripts/test installs it) on a
 * running job: the page, its scripts and ECharts load, every number in its tables equals the view
 * it comes from as a read-only role reads it, a customer looked up shows the profile row and its
 * segment history, and the pages are saved as screenshots in tools/target/dashboard-*.png.
 */
@ExtendWith(LiveStack.class)
class DashboardITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern CELL =
            Pattern.compile("<td data-v=\"([^\"]*)\"[^>]*>([^<]*)</td>");

    @Test
    void shouldShowTheViewsNumbersToAReadOnlyRoleInABrowser() throws Exception {
        assertThat(CHROMIUM)
                .as("Chromium (Debian package chromium: scripts/test installs it)")
                .isExecutable();
        String prefix = "dash.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        Scenario scenario = scenario("dash", 31, 200);
        JobClient job = startLive(config);
        try {
            produce(config.kafka(), scenario.lines());
            assertSameAsReplay(config, scenario.replay());

            String database = prefix.replace(".", "");
            LocalPostgres.Login reader = postgres.readOnlyRole(database, "dash_reader", "postgres");
            String url = postgres.url(database);
            try (Connection c = DriverManager.getConnection(url, reader.properties());
                    Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("DELETE FROM customer_profile"))
                        .hasMessageContaining("permission denied");
            }
            try (DashboardServer dashboard =
                    new DashboardServer(
                            "127.0.0.1", 0, url, reader.properties(), Duration.ofSeconds(2))) {
                assertThat(dashboard.url()).startsWith("http://127.0.0.1:");
                String dom = browse(dashboard.url(), "dashboard-overview");
                assertThat(dom).contains("data-loaded=").contains("updated ");
                Map<String, String> shown = cells(dom);
                // the page's requests folded the aggregates' deltas, as the read-only role
                try (Connection c = DriverManager.getConnection(url, reader.properties());
                        Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT count(*) FROM dashboard_delta")) {
                    r.next();
                    assertThat(r.getLong(1)).as("deltas left after the page's rollup").isZero();
                }

                int compared = 0;
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "segments",
                                "SELECT * FROM segment_counts",
                                "segment");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "clv",
                                "SELECT * FROM clv_distribution",
                                "bucket");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "gmv",
                                "SELECT *, 'all' AS k FROM gmv_concentration",
                                "k");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "cohorts",
                                "SELECT * FROM cohort_retention",
                                "cohort");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "campaigns",
                                "SELECT * FROM campaign_performance ORDER BY spend_minor DESC, campaign_id LIMIT 50",
                                "campaign_id");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "actions",
                                "SELECT * FROM customer_action ORDER BY due_at DESC, action_id LIMIT 20",
                                "action_id");
                compared +=
                        sameAsView(
                                shown,
                                url,
                                reader,
                                "health",
                                "SELECT *, marketplace || '/' || metric AS k FROM seller_health_now",
                                "k");
                assertThat(compared).as("cells compared").isGreaterThan(50);

                // a customer looked up: the profile row as it is, and its segment history
                String customer;
                try (Connection c = DriverManager.getConnection(url, reader.properties());
                        Statement s = c.createStatement();
                        ResultSet r =
                                s.executeQuery(
                                        "SELECT customer_id FROM customer_profile ORDER BY orders_total DESC,"
                                                + " customer_id LIMIT 1")) {
                    r.next();
                    customer = r.getString(1);
                }
                String lookup =
                        browse(dashboard.url() + "?customer=" + customer, "dashboard-customer");
                Map<String, String> profile = cells(lookup);
                try (Connection c = DriverManager.getConnection(url, reader.properties());
                        Statement s = c.createStatement();
                        ResultSet r =
                                s.executeQuery(
                                        "SELECT gmv_minor, orders_total, segment FROM customer_profile WHERE"
                                                + " customer_id = '"
                                                + customer
                                                + "'")) {
                    r.next();
                    for (String column : List.of("gmv_minor", "orders_total", "segment")) {
                        assertSameValue(
                                profile.get("profile:" + column + ":value"),
                                r.getString(column),
                                column);
                    }
                }
                long changes =
                        profile.keySet().stream()
                                .filter(k -> k.startsWith("history:") && k.endsWith(":to_segment"))
                                .count();
                try (Connection c = DriverManager.getConnection(url, reader.properties());
                        Statement s = c.createStatement();
                        ResultSet r =
                                s.executeQuery(
                                        "SELECT count(*) FROM segment_change WHERE customer_id = '"
                                                + customer
                                                + "'")) {
                    r.next();
                    assertThat(changes).isEqualTo(r.getLong(1)).isPositive();
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    /** Compares every cell of a view's rows with the page's {@code panel:key:column} cells. */
    private static int sameAsView(
            Map<String, String> shown,
            String url,
            LocalPostgres.Login reader,
            String panel,
            String sql,
            String key)
            throws Exception {
        int compared = 0;
        try (Connection c = DriverManager.getConnection(url, reader.properties());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData m = r.getMetaData();
            while (r.next()) {
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    String cell = panel + ":" + r.getString(key) + ":" + m.getColumnLabel(i);
                    if (shown.containsKey(cell)) {
                        assertSameValue(shown.get(cell), r.getString(i), cell);
                        compared++;
                    }
                }
            }
        }
        long rowsShown =
                shown.keySet().stream()
                        .filter(k -> k.startsWith(panel + ":"))
                        .map(k -> k.substring(0, k.lastIndexOf(':')))
                        .distinct()
                        .count();
        assertThat(compared)
                .as("%s: cells shown and compared (%d rows shown)", panel, rowsShown)
                .isPositive();
        return compared;
    }

    /** The same value: numbers by value, times as instants, anything else as text. */
    private static void assertSameValue(String shown, String inView, String what) {
        assertThat(shown).as(what + " shown").isNotNull();
        if (inView == null) {
            assertThat(shown).as(what).isEmpty();
        } else if (inView.matches("-?\\d+(\\.\\d+)?")) {
            assertThat(new BigDecimal(shown)).as(what).isEqualByComparingTo(new BigDecimal(inView));
        } else if (inView.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:.*")) {
            assertThat(Instant.parse(shown))
                    .as(what)
                    .isEqualTo(
                            java.time.OffsetDateTime.parse(
                                            inView.replace(' ', 'T')
                                                    + (inView.matches(".*[+-]\\d\\d$")
                                                            ? ":00"
                                                            : ""))
                                    .toInstant());
        } else if (inView.equals("t") || inView.equals("f")) {
            assertThat(shown).as(what).isEqualTo(inView.equals("t") ? "true" : "false");
        } else {
            assertThat(shown).as(what).isEqualTo(inView);
        }
    }

    /** The page's DOM after its scripts ran, from headless Chromium; a screenshot beside it. */
    private static String browse(String url, String name) throws Exception {
        Path profile = Files.createTempDirectory("chromium");
        List<String> flags =
                List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        "--window-size=1400,2400",
                        "--virtual-time-budget=8000");
        List<String> dump = new ArrayList<>(flags);
        dump.addAll(List.of("--dump-dom", url));
        String dom = run(dump);
        Path shot = Path.of("tools/target/" + name + ".png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        List<String> screenshot = new ArrayList<>(flags);
        screenshot.addAll(List.of("--screenshot=" + shot, url));
        run(screenshot);
        assertThat(shot).isRegularFile();
        return dom;
    }

    private static String run(List<String> command) throws Exception {
        Process p =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit").isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Map<String, String> cells(String dom) {
        Map<String, String> cells = new TreeMap<>();
        Matcher m = CELL.matcher(dom);
        while (m.find()) {
            cells.put(unescape(m.group(1)), unescape(m.group(2)));
        }
        return cells;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
