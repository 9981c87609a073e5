package io.customerpulse.tools.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.customerpulse.json.AvroJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * The dashboard: one page (resources {@code dashboard/}) with ECharts from its WebJar, and a JSON
 * API over the PostgreSQL views ({@link Panels}), on the JDK's HTTP server. It connects with the
 * login it is given (a read-only role: it only reads, but for {@code dashboard_rollup()}, which
 * folds the aggregates' deltas and changes nothing a view shows, and runs with its owner's rights:
 * migration V7). Loopback unless told otherwise.
 */
public final class DashboardServer implements AutoCloseable {
    private static final String ECHARTS = "/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final Map<String, String> TYPES =
            Map.of(
                    "html", "text/html; charset=utf-8",
                    "js", "text/javascript; charset=utf-8",
                    "css", "text/css; charset=utf-8");

    private final HttpServer http;
    private final String jdbcUrl;
    private final Properties login;
    private final Duration refresh;
    private volatile long lastRollup;
    private volatile boolean rollupFailed;

    /**
     * @param bind the address to listen on (127.0.0.1 unless a deployment names another)
     * @param port 0 for a free one
     */
    public DashboardServer(
            String bind, int port, String jdbcUrl, Properties login, Duration refresh)
            throws IOException {
        this.jdbcUrl = jdbcUrl;
        this.login = login;
        this.refresh = refresh;
        this.http = HttpServer.create(new InetSocketAddress(bind, port), 0);
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.createContext("/", this::page);
        http.createContext("/webjars/", this::webjar);
        http.createContext("/api/panels", this::panels);
        http.createContext("/api/customer", this::customer);
        http.start();
    }

    /** Where the page is. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void page(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String name =
                switch (path) {
                    case "/", "/index.html" -> "index.html";
                    case "/app.js" -> "app.js";
                    case "/style.css" -> "style.css";
                    default -> null;
                };
        if (name == null) {
            send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = resource("/dashboard/" + name)) {
            byte[] body = in.readAllBytes();
            if (name.equals("index.html")) {
                body =
                        new String(body, StandardCharsets.UTF_8)
                                .replace("{{echarts}}", ECHARTS)
                                .replace("{{refreshMillis}}", Long.toString(refresh.toMillis()))
                                .getBytes(StandardCharsets.UTF_8);
            }
            send(x, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), body);
        }
    }

    private void webjar(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        if (!path.equals(ECHARTS)) {
            send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = resource("/META-INF/resources" + path)) {
            send(x, 200, TYPES.get("js"), in.readAllBytes());
        }
    }

    private void panels(HttpExchange x) throws IOException {
        json(
                x,
                () -> {
                    try (Connection c = connect()) {
                        rollupNowAndThen(c);
                        return Panels.all(c);
                    }
                });
    }

    private void customer(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        String id = null;
        if (query != null) {
            for (String p : query.split("&")) {
                if (p.startsWith("id=")) {
                    id = URLDecoder.decode(p.substring(3), StandardCharsets.UTF_8);
                }
            }
        }
        if (id == null || id.isBlank()) {
            send(x, 400, "text/plain", "give ?id=".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String customer = id;
        json(
                x,
                () -> {
                    try (Connection c = connect()) {
                        return Panels.customer(c, customer);
                    }
                });
    }

    /** Folds the aggregates' deltas at most once per refresh interval. */
    private void rollupNowAndThen(Connection c) {
        long now = System.currentTimeMillis();
        if (now - lastRollup < refresh.toMillis()) {
            return;
        }
        lastRollup = now;
        try (var s = c.createStatement()) {
            s.execute("SELECT dashboard_rollup()");
        } catch (SQLException notAllowed) {
            if (!rollupFailed) { // once: the views are as exact without it
                rollupFailed = true;
                System.err.println("dashboard: no rollup (" + notAllowed.getMessage() + ")");
            }
        }
    }

    private interface Body {
        Object get() throws Exception;
    }

    private static void json(HttpExchange x, Body body) throws IOException {
        try {
            send(x, 200, "application/json", AvroJson.MAPPER.writeValueAsBytes(body.get()));
        } catch (Exception e) {
            send(
                    x,
                    503,
                    "text/plain; charset=utf-8",
                    ("database: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, login);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DashboardServer.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return in;
    }

    private static void send(HttpExchange x, int status, String type, byte[] body)
            throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
