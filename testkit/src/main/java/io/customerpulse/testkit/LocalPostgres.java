package io.customerpulse.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real PostgreSQL server (17, from Maven jars) started by this JVM on loopback, for the local
 * stack and the end-to-end tests; it runs as a child process and stops with {@link #close}.
 */
public final class LocalPostgres implements AutoCloseable {
    private final EmbeddedPostgres pg;

    private LocalPostgres(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    /** Starts a server with its data under {@code dir}. */
    public static LocalPostgres start(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new LocalPostgres(
                EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(dir.toFile())
                        .setCleanDataDirectory(true)
                        .start());
    }

    /**
     * Starts a server on a fixed port whose data lives in {@code dataDir} and survives {@link
     * #close}, so the same database can be stopped and started again (an outage).
     */
    public static LocalPostgres startKeepingData(Path workDir, Path dataDir, int port)
            throws IOException {
        return startKeepingData(workDir, dataDir, port, null, true);
    }

    /**
     * As {@link #startKeepingData(Path, Path, int)}, for a process that stops the server itself
     * before it exits (the local stack: its Ctrl-C waits until everything is stopped), so no
     * shutdown hook of the driver's stops it first, under the job that still writes to it. {@code
     * superuserPassword}: null the first time; after {@link #requirePasswords} ran on the data, the
     * superuser's password, which the start-up check and {@link #database} log in with.
     */
    public static LocalPostgres startKeepingData(
            Path workDir, Path dataDir, int port, String superuserPassword) throws IOException {
        return startKeepingData(workDir, dataDir, port, superuserPassword, false);
    }

    private static LocalPostgres startKeepingData(
            Path workDir, Path dataDir, int port, String superuserPassword, boolean hook)
            throws IOException {
        Files.createDirectories(workDir);
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder =
                EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(workDir.toFile())
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(hook)
                        .setPort(port);
        if (superuserPassword != null) {
            builder.setConnectConfig("password", superuserPassword);
        }
        LocalPostgres server = new LocalPostgres(builder.start());
        server.superPassword = superuserPassword;
        return server;
    }

    /** The superuser's password once {@link #requirePasswords} ran (to start it again). */
    public String superuserPassword() {
        return superPassword;
    }

    /** A login: a role and its password. */
    public record Login(String user, String password) {
        /** The JDBC connection properties of this login. */
        public Properties properties() {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", password);
            return p;
        }
    }

    /** The superuser's password once {@link #requirePasswords} ran; null before (trust). */
    private String superPassword;

    /**
     * JDBC URL of the {@code postgres} database (user {@code postgres}; with its password in the
     * URL once {@link #requirePasswords} ran, a test convenience).
     */
    public String jdbcUrl() {
        return superuserUrl("postgres");
    }

    /** JDBC URL of database {@code name} with no user in it (give the login as properties). */
    public String url(String name) {
        return "jdbc:postgresql://localhost:" + port() + "/" + name;
    }

    private String superuserUrl(String name) {
        String url = pg.getJdbcUrl("postgres", name);
        return superPassword == null ? url : url + "&password=" + superPassword;
    }

    /**
     * Makes the server ask for passwords as a production one does: from now on every connection,
     * local or over TCP, authenticates with scram-sha-256; the superuser {@code postgres} gets a
     * generated password; and {@code role}, a login role with no superuser, database or role
     * creation rights, gets one and owns {@code database} (created if missing), so the job's
     * migrations and writes run as it. Returns that role's login.
     */
    public Login requirePasswords(String database, String role)
            throws java.sql.SQLException, IOException {
        database(database);
        String rolePassword = newPassword();
        String superuser = newPassword();
        try (java.sql.Connection c =
                        java.sql.DriverManager.getConnection(superuserUrl("postgres"));
                java.sql.Statement s = c.createStatement()) {
            createLoginRole(s, role, rolePassword);
            s.execute("ALTER DATABASE \"" + database + "\" OWNER TO \"" + role + "\"");
            s.execute("ALTER ROLE postgres PASSWORD '" + superuser + "'");
            String hba;
            try (java.sql.ResultSet r = s.executeQuery("SHOW hba_file")) {
                r.next();
                hba = r.getString(1);
            }
            Files.writeString(
                    Path.of(hba),
                    String.join(
                            "\n",
                            "# written by LocalPostgres.requirePasswords: a password for everyone",
                            "local all all scram-sha-256",
                            "host all all 127.0.0.1/32 scram-sha-256",
                            "host all all ::1/128 scram-sha-256",
                            ""));
            s.execute("SELECT pg_reload_conf()");
        }
        superPassword = superuser;
        return new Login(role, rolePassword);
    }

    /** A role that can log in with {@code password} and create nothing (no superuser). */
    private static void createLoginRole(java.sql.Statement s, String role, String password)
            throws java.sql.SQLException {
        s.execute(
                "CREATE ROLE \""
                        + role
                        + "\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '"
                        + password
                        + "'");
    }

    private static String newPassword() {
        byte[] random = new byte[18];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * A login role that can only read {@code database}: SELECT on every table and view of its
     * public schema, those {@code owner} creates later (the job's migrations) included, and nothing
     * else. For the dashboard. Returns its login (after {@link #requirePasswords}: a password is
     * required).
     */
    public Login readOnlyRole(String database, String role, String owner)
            throws java.sql.SQLException {
        String password = newPassword();
        try (java.sql.Connection c =
                        java.sql.DriverManager.getConnection(superuserUrl("postgres"));
                java.sql.Statement s = c.createStatement()) {
            createLoginRole(s, role, password);
            s.execute("GRANT CONNECT ON DATABASE \"" + database + "\" TO \"" + role + "\"");
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(superuserUrl(database));
                java.sql.Statement s = c.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA public TO \"" + role + "\"");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"" + role + "\"");
            s.execute(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE \""
                            + owner
                            + "\" IN SCHEMA public GRANT SELECT ON TABLES TO \""
                            + role
                            + "\"");
        }
        return new Login(role, password);
    }

    /** JDBC URL of database {@code name}, created if missing. */
    public String database(String name) throws java.sql.SQLException {
        try (java.sql.Connection c =
                        java.sql.DriverManager.getConnection(superuserUrl("postgres"));
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r =
                        s.executeQuery(
                                "SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!r.next()) {
                s.execute("CREATE DATABASE \"" + name + "\"");
            }
        }
        return superuserUrl(name);
    }

    public int port() {
        return pg.getPort();
    }

    /**
     * Stops the server and every backend with SIGSTOP: a database that stops answering without
     * refusing (connections stay open, new ones are accepted by the kernel and never greeted).
     */
    public void freeze() throws IOException {
        try {
            signal("-STOP");
        } catch (IOException e) { // all or nothing: no half-stopped server left behind
            try {
                thaw();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Resumes a {@link #freeze frozen} server (SIGCONT). */
    public void thaw() throws IOException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException {
        String port = "-p " + port() + " ";
        ProcessHandle server =
                ProcessHandle.allProcesses()
                        .filter(
                                p ->
                                        p.info()
                                                .commandLine()
                                                .map(
                                                        c ->
                                                                c.contains("postgres")
                                                                        && c.contains(port))
                                                .orElse(false))
                        .findFirst()
                        .orElseThrow(() -> new IOException("no PostgreSQL process on " + port));
        // the server first (stopped, it forks no new backend), then each backend as listed after
        // it: one that exited in between is no failure (a CI run lost a test to that race)
        kill(signal, server);
        for (ProcessHandle backend : server.descendants().toList()) {
            kill(signal, backend);
        }
    }

    private static void kill(String signal, ProcessHandle process) throws IOException {
        try {
            int exit =
                    new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                            .inheritIO()
                            .start()
                            .waitFor();
            if (exit != 0 && process.isAlive()) {
                throw new IOException("kill " + signal + " " + process.pid() + " exited " + exit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
