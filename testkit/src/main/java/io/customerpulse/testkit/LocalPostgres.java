package io.customerpulse.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        Files.createDirectories(workDir);
        Files.createDirectories(dataDir);
        return new LocalPostgres(
                EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(workDir.toFile())
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .start());
    }

    /** JDBC URL of the {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    /** JDBC URL of database {@code name}, created if missing. */
    public String database(String name) throws java.sql.SQLException {
        try (java.sql.Connection c = pg.getPostgresDatabase().getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r =
                        s.executeQuery(
                                "SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!r.next()) {
                s.execute("CREATE DATABASE \"" + name + "\"");
            }
        }
        return pg.getJdbcUrl("postgres", name);
    }

    public int port() {
        return pg.getPort();
    }

    /**
     * Stops the server and every backend with SIGSTOP: a database that stops answering without
     * refusing (connections stay open, new ones are accepted by the kernel and never greeted).
     */
    public void freeze() throws IOException {
        signal("-STOP");
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
        java.util.List<String> kill = new java.util.ArrayList<>(java.util.List.of("kill", signal));
        kill.add(Long.toString(server.pid()));
        server.descendants().forEach(p -> kill.add(Long.toString(p.pid())));
        try {
            int exit = new ProcessBuilder(kill).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IOException(String.join(" ", kill) + " exited " + exit);
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
