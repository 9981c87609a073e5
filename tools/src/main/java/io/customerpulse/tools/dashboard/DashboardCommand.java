package io.customerpulse.tools.dashboard;

import io.customerpulse.config.Cli;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/dashboard --jdbc-url URL}: the dashboard on its own, against any database the job
 * writes. The password comes from the environment ({@code CUSTOMER_PULSE_DASHBOARD_PASSWORD}),
 * never the command line.
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = "Serves the dashboard page over the job's PostgreSQL views.")
public final class DashboardCommand implements Callable<Integer> {
    /** The environment variable with the database password. */
    public static final String PASSWORD_ENV = "CUSTOMER_PULSE_DASHBOARD_PASSWORD";

    @Option(names = "--jdbc-url", required = true, description = "the job's database")
    String jdbcUrl;

    @Option(
            names = "--user",
            defaultValue = "customer_pulse_reader",
            description = "a read-only role (default ${DEFAULT-VALUE})")
    String user;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "the address to listen on (default ${DEFAULT-VALUE}: this machine only)")
    String bind;

    @Option(names = "--port", defaultValue = "8088", description = "default ${DEFAULT-VALUE}")
    int port;

    @Option(
            names = "--refresh",
            defaultValue = "5 s",
            description = "how often the page refreshes (default ${DEFAULT-VALUE})")
    Duration refresh;

    public static void main(String[] args) {
        Cli.exit(new DashboardCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Properties login = new Properties();
        login.setProperty("user", user);
        String password = System.getenv(PASSWORD_ENV);
        if (password != null) {
            login.setProperty("password", password);
        }
        try (DashboardServer server = new DashboardServer(bind, port, jdbcUrl, login, refresh)) {
            System.out.println("dashboard " + server.url() + "   (Ctrl-C stops it)");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
