package io.customerpulse.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The schema store of the wire format (DESIGN section 2): the writer schemas a record on a topic
 * may name by its fingerprint. It holds every released version of the project's input and output
 * schemas — {@code schemas/} in the repository, in the job jar, listed in {@code schemas/index.txt}
 * — plus the {@code *.avsc} files of a configured directory ({@code kafka.schema-directory}: a
 * producer's newer schema before the job is released with it), which is read again, at most every
 * 10 seconds, when a fingerprint is not found.
 *
 * <p>Fingerprints are Avro's: the CRC-64-AVRO of the schema's Parsing Canonical Form, so a version
 * that only changes documentation is the same schema.
 */
public final class ReleasedSchemas implements SchemaStore {
    private static final String INDEX = "schemas/index.txt";
    private static final long RESCAN_MILLIS = 10_000;
    private static final ReleasedSchemas RELEASED = new ReleasedSchemas(null);

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    /** The released versions of each record, by full name and version number. */
    private final Map<String, TreeMap<Integer, Schema>> releasedByName = new ConcurrentHashMap<>();

    private final Path directory;
    private volatile long scannedAt;

    private ReleasedSchemas(Path directory) {
        this.directory = directory;
        loadReleased();
        if (directory != null) {
            scan();
        }
    }

    /** The released versions only. */
    public static ReleasedSchemas released() {
        return RELEASED;
    }

    /** The released versions and the schemas of {@code directory} (blank: none). */
    public static ReleasedSchemas with(String directory) {
        return directory == null || directory.isBlank()
                ? RELEASED
                : new ReleasedSchemas(Path.of(directory));
    }

    /** The fingerprint a record written with {@code schema} carries. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * The released versions of the record {@code fullName} before its latest, newest first: the
     * writer schemas that plain binary (no fingerprint) may have been written with.
     */
    public List<Schema> earlierVersions(String fullName) {
        TreeMap<Integer, Schema> all = releasedByName.get(fullName);
        if (all == null) {
            return List.of();
        }
        return List.copyOf(all.headMap(all.lastKey(), false).descendingMap().values());
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        Schema s = byFingerprint.get(fingerprint);
        if (s == null
                && directory != null
                && System.currentTimeMillis() - scannedAt > RESCAN_MILLIS) {
            scan();
            s = byFingerprint.get(fingerprint);
        }
        return s;
    }

    private void loadReleased() {
        ClassLoader loader = ReleasedSchemas.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(INDEX)) {
            if (index == null) {
                throw new IllegalStateException(INDEX + " is not on the classpath");
            }
            for (String line :
                    new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream("schemas/" + line.strip())) {
                    if (in == null) {
                        throw new IllegalStateException(INDEX + " lists a missing " + line);
                    }
                    Schema schema = new Schema.Parser().parse(in);
                    add(schema);
                    String file = Path.of(line.strip()).getFileName().toString();
                    releasedByName
                            .computeIfAbsent(schema.getFullName(), n -> new TreeMap<>())
                            .put(Integer.parseInt(file.substring(0, file.indexOf('.'))), schema);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the directory's schemas; one that does not parse is skipped (and named in the log). */
    private synchronized void scan() {
        scannedAt = System.currentTimeMillis();
        if (!Files.isDirectory(directory)) {
            org.slf4j.LoggerFactory.getLogger(ReleasedSchemas.class)
                    .warn("kafka.schema-directory {} is not a directory", directory);
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.avsc")) {
            for (Path f : files) {
                try {
                    add(new Schema.Parser().parse(f.toFile()));
                } catch (IOException | RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ReleasedSchemas.class)
                            .warn("skipped schema {}: {}", f, e.toString());
                }
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(ReleasedSchemas.class)
                    .warn("could not read kafka.schema-directory {}: {}", directory, e.toString());
        }
    }

    private void add(Schema schema) {
        byFingerprint.put(fingerprint(schema), schema);
    }
}
