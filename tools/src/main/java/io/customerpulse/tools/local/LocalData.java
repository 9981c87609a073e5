package io.customerpulse.tools.local;

import io.customerpulse.config.Cli;
import io.customerpulse.testkit.LocalKafka;
import io.customerpulse.testkit.LocalPostgres;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.util.FileUtils;

/**
 * The named directory of a local stack ({@code scripts/run --out}, default {@code out/local}):
 * everything a run keeps for the next one and for looking at afterwards.
 *
 * <pre>
 *   stack.properties   what the run was started with (traffic seed and start, or the input file;
 *                      partitions) and the generated passwords of its database (mode 600)
 *   postgres/data      the PostgreSQL data directory (roles, tables, views)
 *   kafka/logs         the Kafka broker's data (inputs, outputs, transactions, metadata)
 *   checkpoints/       the job's retained checkpoints; savepoints/ the one taken when a run stops
 * </pre>
 *
 * One process at a time uses a directory: opening takes a lock on {@code lock}, released when the
 * process ends (even killed).
 */
public final class LocalData implements AutoCloseable {
    static final String DATABASE = "customer_pulse";
    static final String JOB_ROLE = "customer_pulse_job";
    static final String READER_ROLE = "customer_pulse_reader";

    private static final String STACK = "stack.properties";

    final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Properties stack = new Properties();

    private LocalData(Path dir, FileChannel lockFile, FileLock lock) throws IOException {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
        if (Files.exists(dir.resolve(STACK))) {
            try (Reader r = Files.newBufferedReader(dir.resolve(STACK), StandardCharsets.UTF_8)) {
                stack.load(r);
            }
        }
    }

    /** Opens (creating) {@code dir} for this process alone; a usage error when another has it. */
    public static LocalData open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel =
                FileChannel.open(
                        dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException thisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new Cli.UsageError(
                    dir
                            + " is in use by another scripts/run or scripts/dashboard: stop it, or"
                            + " give --out another directory");
        }
        return new LocalData(dir, channel, lock);
    }

    /** Whether a run was started in this directory before (its results are here). */
    public boolean hasRun() {
        return stack.containsKey("started-at");
    }

    /** Deletes everything a previous run kept. */
    void clear() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (!p.getFileName().toString().equals("lock")) {
                    FileUtils.deleteFileOrDirectory(p.toFile());
                }
            }
        }
        stack.clear();
    }

    String get(String key) {
        return stack.getProperty(key);
    }

    /** Sets {@code key} and writes the file (readable by its owner only: it holds passwords). */
    void put(String key, String value) throws IOException {
        stack.setProperty(key, value);
        Path file = dir.resolve(STACK);
        if (!Files.exists(file)) {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            stack.store(w, "the local stack in this directory (scripts/run --resume continues it)");
        }
    }

    Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    Path savepoints() {
        return dir.resolve("savepoints");
    }

    /** The broker on the kept Kafka data. */
    public LocalKafka kafka() throws Exception {
        return LocalKafka.start(dir.resolve("kafka"));
    }

    /** The database server with its logins: the job's (owner) and the dashboard's (read-only). */
    public record Database(
            LocalPostgres server, LocalPostgres.Login job, LocalPostgres.Login reader)
            implements AutoCloseable {
        public String url() {
            return server.url(DATABASE);
        }

        /** The line that opens psql on it as the job's role. */
        public String psql() {
            return String.format(
                    "PGPASSWORD=%s psql -h localhost -p %d -U %s %s",
                    job.password(), server.port(), job.user(), DATABASE);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * Starts PostgreSQL on the kept data, on the port of the last run when it is free. The first
     * time it creates the database, requires passwords and creates the job's and the reader's
     * roles, and keeps their passwords in {@code stack.properties}.
     */
    public Database database() throws Exception {
        Path data = dir.resolve("postgres/data");
        Path work = dir.resolve("postgres/work");
        String port = get("postgres.port");
        int p =
                port != null && isFree(Integer.parseInt(port))
                        ? Integer.parseInt(port)
                        : freePort();
        String superuser = get("postgres.superuser-password");
        stopOrphan(data);
        LocalPostgres server = LocalPostgres.startKeepingData(work, data, p, superuser);
        try {
            if (superuser == null) {
                LocalPostgres.Login job = server.requirePasswords(DATABASE, JOB_ROLE);
                LocalPostgres.Login reader = server.readOnlyRole(DATABASE, READER_ROLE, JOB_ROLE);
                put("postgres.superuser-password", server.superuserPassword());
                put("postgres.job-password", job.password());
                put("postgres.reader-password", reader.password());
            }
            put("postgres.port", Integer.toString(server.port()));
            return new Database(
                    server,
                    new LocalPostgres.Login(JOB_ROLE, get("postgres.job-password")),
                    new LocalPostgres.Login(READER_ROLE, get("postgres.reader-password")));
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /**
     * Stops the PostgreSQL server a killed run left on {@code data} (it outlives the JVM that
     * started it, and a server cannot start on data another one runs on). Holding the directory's
     * lock, no live run of ours uses it.
     */
    private static void stopOrphan(Path data) throws Exception {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        Optional<ProcessHandle> orphan =
                ProcessHandle.of(pid)
                        .filter(
                                h ->
                                        h.info()
                                                .commandLine()
                                                .map(c -> c.contains("postgres"))
                                                .orElse(false));
        if (orphan.isPresent()) {
            System.out.println(
                    "stopping the PostgreSQL server a killed run left (pid " + pid + ")");
            orphan.get().destroy(); // SIGTERM: a smart shutdown, its clients are gone
            orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * The newest snapshot the job can resume from: the savepoint taken when the last run stopped,
     * or, when it did not stop cleanly (killed, Ctrl-C), its newest retained checkpoint.
     */
    Optional<Path> latestSnapshot() throws IOException {
        List<Path> metadata = new java.util.ArrayList<>();
        for (Path root : List.of(savepoints(), checkpoints())) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root, 3)) {
                    files.filter(f -> f.getFileName().toString().equals("_metadata"))
                            .forEach(metadata::add);
                }
            }
        }
        Comparator<Path> byTime =
                Comparator.comparing(
                        f -> {
                            try {
                                return Files.getLastModifiedTime(f);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        return metadata.stream().max(byTime).map(Path::getParent);
    }

    /**
     * Deletes every snapshot but {@code keep} (and the checkpoint directory of its job, which an
     * incremental checkpoint shares files with): the resumed job writes its own from then on.
     */
    void deleteSnapshotsBut(Path keep) throws IOException {
        Path keepRoot = keep.getParent();
        for (Path root : List.of(savepoints(), checkpoints())) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> entries = Files.list(root)) {
                    for (Path p : entries.toList()) {
                        if (!p.equals(keep) && !p.equals(keepRoot)) {
                            FileUtils.deleteFileOrDirectory(p.toFile());
                        }
                    }
                }
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s =
                new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        try (lockFile) {
            lock.release();
        }
    }
}
