package io.customerpulse.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.json.AvroJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns the sink parts of a replay into its output files, sorted so that the same input always
 * gives byte-identical files: the latest profile per customer, and every other record once.
 */
final class ReplayOutputs {
    static final String PROFILES = "profiles";
    static final String SEGMENT_CHANGES = "segment_changes";
    static final String CHURN_ALERTS = "churn_alerts";
    static final String LATE_EVENTS = "late_events";
    static final String DEAD_LETTER = "dead_letter";
    static final String CAMPAIGN_DAILY = "campaign_daily";
    static final String ACTIONS = "actions";
    static final String SELLER_HEALTH = "seller_health";
    static final String SELLER_HEALTH_ALERTS = "seller_health_alerts";
    static final String ERASURES = "erasures";

    private ReplayOutputs() {}

    /** Writes every output file from {@code parts} into {@code out}; returns lines per file. */
    static Map<String, Integer> write(Path parts, Path out) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        // DESIGN 13: nothing of an erased customer up to the erasure's time stays in the outputs
        Map<String, Instant> erased = new TreeMap<>();
        for (JsonNode n : read(Map.of(), parts, ERASURES)) {
            erased.merge(n.get("customer_id").asText(), instant(n, "erased_at"), Ordering::later);
        }
        // a customer's latest step: by updated_at, then version (a new history after an expiry
        // starts at version 1 again), as the PostgreSQL sink keeps it
        counts.put(
                PROFILES,
                latest(
                        erased,
                        parts,
                        out,
                        PROFILES,
                        n -> n.get("customer_id").asText(),
                        time("updated_at").thenComparing(num("version"))));
        counts.put(
                CAMPAIGN_DAILY,
                latest(
                        erased,
                        parts,
                        out,
                        CAMPAIGN_DAILY,
                        n -> n.get("campaign_id").asText() + '\u0000' + n.get("day").asText(),
                        num("version")));
        counts.put(
                SEGMENT_CHANGES,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        SEGMENT_CHANGES,
                        by("customer_id").thenComparing(num("version"))));
        counts.put(
                CHURN_ALERTS,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        CHURN_ALERTS,
                        by("customer_id").thenComparing(time("at"))));
        counts.put(ACTIONS, distinctSorted(erased, parts, out, ACTIONS, by("action_id")));
        counts.put(
                SELLER_HEALTH,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        SELLER_HEALTH,
                        by("marketplace").thenComparing(by("day")).thenComparing(num("version"))));
        counts.put(
                SELLER_HEALTH_ALERTS,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        SELLER_HEALTH_ALERTS,
                        by("marketplace").thenComparing(by("day")).thenComparing(by("metric"))));
        counts.put(
                LATE_EVENTS,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        LATE_EVENTS,
                        Comparator.<JsonNode, String>comparing(
                                        n -> n.path("event").path("customer_id").asText())
                                .thenComparing(n -> n.path("event").path("event_id").asText())));
        counts.put(
                ERASURES,
                distinctSorted(
                        Map.of(),
                        parts,
                        out,
                        ERASURES,
                        by("customer_id").thenComparing(time("erased_at"))));
        counts.put(
                DEAD_LETTER,
                distinctSorted(
                        erased,
                        parts,
                        out,
                        DEAD_LETTER,
                        by("source").thenComparing(num("offset"))));
        return counts;
    }

    /** The highest version per key, sorted by key. */
    private static int latest(
            Map<String, Instant> erased,
            Path parts,
            Path out,
            String name,
            Function<JsonNode, String> key,
            Comparator<JsonNode> newer)
            throws IOException {
        Map<String, JsonNode> latest = new TreeMap<>();
        for (JsonNode n : read(erased, parts, name)) {
            latest.merge(key.apply(n), n, (a, b) -> newer.compare(a, b) >= 0 ? a : b);
        }
        return writeLines(out.resolve(name + ".jsonl"), new ArrayList<>(latest.values()));
    }

    private static int distinctSorted(
            Map<String, Instant> erased,
            Path parts,
            Path out,
            String name,
            Comparator<JsonNode> order)
            throws IOException {
        List<JsonNode> records = new ArrayList<>(new LinkedHashSet<>(read(erased, parts, name)));
        records.sort(order.thenComparing(JsonNode::toString));
        return writeLines(out.resolve(name + ".jsonl"), records);
    }

    /**
     * The records of an erased customer up to the erasure's time, which the sinks no longer hold:
     * by the customer and time each output has. Seller health, campaign days and the dead letter
     * name no customer (or not reliably): they stay.
     */
    private static boolean erasedRecord(Map<String, Instant> erased, String name, JsonNode n) {
        if (erased.isEmpty()) {
            return false;
        }
        JsonNode of =
                switch (name) {
                    case PROFILES, SEGMENT_CHANGES, CHURN_ALERTS, ACTIONS -> n;
                    case LATE_EVENTS -> n.path("event");
                    default -> null;
                };
        if (of == null) {
            return false;
        }
        Instant upTo = erased.get(of.path("customer_id").asText());
        if (upTo == null) {
            return false;
        }
        String field =
                switch (name) {
                    case PROFILES -> "updated_at";
                    case ACTIONS -> "due_at";
                    case LATE_EVENTS -> "event_time";
                    default -> "at";
                };
        return !instant(of, field).isAfter(upTo);
    }

    private static Instant instant(JsonNode n, String field) {
        return Instant.parse(n.path(field).asText());
    }

    /** Which of two instants is later. */
    private static final class Ordering {
        static Instant later(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }
    }

    private static List<JsonNode> read(Map<String, Instant> erased, Path parts, String name)
            throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.isDirectory(parts)) {
            return nodes;
        }
        try (Stream<Path> files = Files.list(parts)) {
            for (Path p :
                    files.filter(f -> f.getFileName().toString().startsWith(name + "-")).toList()) {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        JsonNode n = AvroJson.MAPPER.readTree(line);
                        if (!erasedRecord(erased, name, n)) {
                            nodes.add(n);
                        }
                    }
                }
            }
        }
        return nodes;
    }

    private static int writeLines(Path file, List<JsonNode> nodes) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (JsonNode n : nodes) {
                w.write(AvroJson.MAPPER.writeValueAsString(n));
                w.newLine();
            }
        }
        return nodes.size();
    }

    private static Comparator<JsonNode> by(String field) {
        return Comparator.comparing(n -> n.path(field).asText());
    }

    private static Comparator<JsonNode> num(String field) {
        return Comparator.comparingLong(n -> n.path(field).asLong());
    }

    private static Comparator<JsonNode> time(String field) {
        return Comparator.comparing(n -> Instant.parse(n.path(field).asText()));
    }

    /**
     * Deletes a directory tree (the parts and checkpoints of a replay). Another deleter may be at
     * work in it: Flink's own checkpoint clean-up can still be removing files of the last
     * checkpoints after the job returned. A file or directory already gone is what was wanted, not
     * an error.
     */
    static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e)
                                throws IOException {
                            if (e instanceof NoSuchFileException) {
                                return FileVisitResult.CONTINUE;
                            }
                            throw e;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException e)
                                throws IOException {
                            if (e != null && !(e instanceof NoSuchFileException)) {
                                throw e;
                            }
                            Files.deleteIfExists(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> names() {
        return Set.of(
                PROFILES,
                SEGMENT_CHANGES,
                CHURN_ALERTS,
                ACTIONS,
                SELLER_HEALTH,
                SELLER_HEALTH_ALERTS,
                LATE_EVENTS,
                DEAD_LETTER,
                CAMPAIGN_DAILY,
                ERASURES);
    }
}
