package io.customerpulse.tools.dashboard;

import io.customerpulse.config.Cli;
import io.customerpulse.tools.local.CtrlC;
import io.customerpulse.tools.local.LocalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/dashboard --jdbc-url URL}: the dashboard on its own, against any database the job
 * writes. The password comes from the environment ({@code CUSTOMER_PULSE_DASHBOARD_PASSWORD}),
 * never the command line. {@code scripts/dashboard --data DIR}: the same over what a local stack
 * kept in its directory ({@code scripts/run --out}), with its database started again and its
 * read-only role.
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = "Serves the dashboard page over the job's PostgreSQL views.")
public final class DashboardCommand implements Callable<Integer> {
    /** The environment variable with the database password. */
    public static final String PASSWORD_ENV = "CUSTOMER_PULSE_DASHBOARD_PASSWORD";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Database database;

    /** Which database: a server's, or the one a local stack kept. */
    static final class Database {
        @Option(names = "--jdbc-url", required = true, description = "the job's database")
        String jdbcUrl;

        @Option(
                names = "--data",
                required = true,
                paramLabel = "DIR",
                description =
                        "the directory of a local stack's run (scripts/run --out, e.g. out/local):"
                                + " starts its database again")
        Path data;
    }

    @Option(
            names = "--user",
            defaultValue = "customer_pulse_reader",
            description = "a read-only role, with --jdbc-url (default ${DEFAULT-VALUE})")
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
        // Ctrl-C: what this started (a kept database) stops before the JVM exits
        try (CtrlC ctrlC = new CtrlC(Duration.ofSeconds(30))) {
            if (database.data != null) {
                fromLocalData(database.data, ctrlC);
                return 0;
            }
            Properties login = new Properties();
            login.setProperty("user", user);
            String password = System.getenv(PASSWORD_ENV);
            if (password != null) {
                login.setProperty("password", password);
            }
            serve(database.jdbcUrl, login, "", ctrlC);
        }
        return 0;
    }

    private void fromLocalData(Path dir, CtrlC ctrlC) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new Cli.UsageError("--data: no such directory: " + dir);
        }
        try (LocalData data = LocalData.open(dir)) {
            if (!data.hasRun()) {
                throw new Cli.UsageError("--data: " + dir + " holds no run of scripts/run");
            }
            try (LocalData.Database db = data.database()) {
                serve(db.url(), db.reader().properties(), "PostgreSQL " + db.psql() + "\n", ctrlC);
            }
        }
    }

    /** Serves until Ctrl-C. */
    private void serve(String jdbcUrl, Properties login, String before, CtrlC ctrlC)
            throws Exception {
        try (DashboardServer server = new DashboardServer(bind, port, jdbcUrl, login, refresh)) {
            System.out.print(before);
            System.out.println("Dashboard  " + server.url() + "   (Ctrl-C stops it)");
            ctrlC.await();
        }
    }
}
