package io.customerpulse.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.OrderShipment;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/**
 * The schema store holds every released version of every schema on the wire, the current one as its
 * latest, and each version stays readable both ways: an old producer's records by the job, the
 * job's records by a consumer still on an old version. A schema changed without storing its new
 * version in {@code schemas/} fails here, naming it.
 */
class ReleasedSchemasTest {
    private static final Path STORE = Path.of("schemas");

    /** Every schema on a topic, by its directory in the store. */
    private static final Map<Schema, String> WIRE =
            Map.ofEntries(
                    Map.entry(OrderPlaced.getClassSchema(), "input"),
                    Map.entry(OrderReturned.getClassSchema(), "input"),
                    Map.entry(AdEvent.getClassSchema(), "input"),
                    Map.entry(Interaction.getClassSchema(), "input"),
                    Map.entry(OrderShipment.getClassSchema(), "input"),
                    Map.entry(io.customerpulse.avro.ErasureRequest.getClassSchema(), "input"),
                    Map.entry(CustomerProfile.getClassSchema(), "output"),
                    Map.entry(SegmentChange.getClassSchema(), "output"),
                    Map.entry(ChurnAlert.getClassSchema(), "output"),
                    Map.entry(CustomerAction.getClassSchema(), "output"),
                    Map.entry(io.customerpulse.avro.SellerHealth.getClassSchema(), "output"),
                    Map.entry(io.customerpulse.avro.SellerHealthAlert.getClassSchema(), "output"),
                    Map.entry(CampaignDaily.getClassSchema(), "output"),
                    Map.entry(LateEvent.getClassSchema(), "output"),
                    Map.entry(ClvModel.getClassSchema(), "output"),
                    Map.entry(RejectedEvent.getClassSchema(), "output"));

    private static List<Schema> versions(String dir, String name) throws IOException {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; Files.exists(STORE.resolve(dir + "/" + name + "/" + v + ".avsc")); v++) {
            out.add(
                    new Schema.Parser()
                            .parse(STORE.resolve(dir + "/" + name + "/" + v + ".avsc").toFile()));
        }
        return out;
    }

    @Test
    void shouldHoldTheCurrentSchemaOfEveryTopicAsItsLatestVersion() throws IOException {
        WIRE.forEach(
                (current, dir) -> {
                    List<Schema> versions;
                    try {
                        versions = versions(dir, current.getName());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    assertThat(versions)
                            .as(
                                    "schemas/%s/%s/: add the current schema as version %d",
                                    dir, current.getName(), versions.size() + 1)
                            .isNotEmpty();
                    assertThat(ReleasedSchemas.fingerprint(versions.get(versions.size() - 1)))
                            .as(
                                    "schemas/%s/%s/%d.avsc is not the current schema: add it as"
                                            + " version %d",
                                    dir, current.getName(), versions.size(), versions.size() + 1)
                            .isEqualTo(ReleasedSchemas.fingerprint(current));
                    assertThat(
                                    ReleasedSchemas.released()
                                            .findByFingerprint(
                                                    ReleasedSchemas.fingerprint(current)))
                            .isNotNull();
                });
    }

    @Test
    void shouldKeepEveryVersionReadableByTheCurrentOneAndTheCurrentByEveryVersion()
            throws IOException {
        for (Map.Entry<Schema, String> e : WIRE.entrySet()) {
            Schema current = e.getKey();
            for (Schema old : versions(e.getValue(), current.getName())) {
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                                        .getType())
                        .as("%s: the current schema reads an old record", current.getName())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(old, current)
                                        .getType())
                        .as(
                                "%s: a consumer on an old version reads a new record",
                                current.getName())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void shouldListEveryStoredFileInTheIndexTheJobLoads() throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(STORE)) {
            files =
                    walk.filter(p -> p.toString().endsWith(".avsc"))
                            .map(p -> STORE.relativize(p).toString())
                            .sorted()
                            .toList();
        }
        assertThat(
                        Files.readAllLines(STORE.resolve("index.txt")).stream()
                                .filter(l -> !l.isBlank()))
                .containsExactlyElementsOf(files);
        for (String f : files) {
            Schema s = new Schema.Parser().parse(STORE.resolve(f).toFile());
            assertThat(ReleasedSchemas.released().findByFingerprint(ReleasedSchemas.fingerprint(s)))
                    .as(f)
                    .isNotNull();
        }
    }
}
