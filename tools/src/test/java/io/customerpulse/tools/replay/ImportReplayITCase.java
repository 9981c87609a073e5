package io.customerpulse.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.Replays;
import io.customerpulse.tools.importer.ImportCommand;
import io.customerpulse.tools.importer.ImportedEvents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each importer's output through the replay: the real UCI Online Retail file checked against the
 * figures of its SOURCE.md, and the Amazon and Shopify samples against their own rows.
 */
class ImportReplayITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    private static final Path RETAIL = Path.of("../shared/data/online_retail/online_retail.csv.gz");

    @TempDir Path dir;

    @Test
    void shouldGiveOnlineRetailsCustomersAndNetSalesOfItsSourceFile() throws Exception {
        assertThat(RETAIL).exists();
        ImportedEvents events =
                read(
                        RETAIL,
                        "--format",
                        "transactions",
                        "--currency",
                        "GBP",
                        "--zone",
                        "Europe/London");
        assertThat(events.badRows()).isEmpty();
        assertThat(events.skipped()).isEqualTo(Map.of("no customer", 135_080L)); // SOURCE.md

        // sales and credit notes summed straight from the rows: pence, half-even per line
        long sales = 0;
        long credits = 0;
        try (Reader r = gzip(RETAIL)) {
            for (CSVRecord row :
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get()
                            .parse(r)) {
                if (row.get("CustomerID").isEmpty()) {
                    continue;
                }
                long pence =
                        new BigDecimal(row.get("UnitPrice"))
                                .multiply(new BigDecimal(row.get("Quantity")))
                                .movePointRight(2)
                                .setScale(0, RoundingMode.HALF_EVEN)
                                .longValueExact();
                if (row.get("InvoiceNo").startsWith("C")) {
                    credits -= pence;
                } else {
                    sales += pence;
                }
            }
        }

        Path jsonl = dir.resolve("retail.jsonl");
        try (Writer w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            events.write(w);
        }
        Path out = Replays.replay(dir, jsonl, 2, Map.of("reporting-currency", "GBP"));
        Map<String, JsonNode> profiles = Replays.profiles(out);
        assertThat(profiles).hasSize(4_372); // SOURCE.md: customers (non-empty CustomerID)
        assertThat(sum(profiles, "orders_total")).isEqualTo(events.orders());
        assertThat(sum(profiles, "gmv_minor")).isEqualTo(sales);
        assertThat(sum(profiles, "refunds_minor")).isEqualTo(credits);
        // SOURCE.md: Σ Quantity × UnitPrice over rows with a CustomerID is 8,300,065.81
        // (8,300,065.814 unrounded; four lines of 0.001 each round to 0 pence)
        assertThat(sum(profiles, "net_revenue_minor")).isEqualTo(830_006_581L);
        assertThat(Files.readString(out.resolve("dead_letter.jsonl"))).isEmpty();
        assertThat(Files.readString(out.resolve("late_events.jsonl"))).isEmpty();
    }

    @Test
    void shouldGiveAmazonAndShopifyBuyersTheirOrdersAndRefunds() throws Exception {
        Path amazon = fixture("amazon-orders.txt");
        Path shopify = fixture("shopify-orders.csv");
        Path jsonl = dir.resolve("sellers.jsonl");
        try (Writer w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            read(amazon, "--format", "amazon-orders").write(w);
            read(shopify, "--format", "shopify-orders", "--marketplace", "SHOP").write(w);
        }
        Path out = Replays.replay(dir, jsonl, 1, Map.of("reporting-currency", "USD"));
        Map<String, JsonNode> profiles = Replays.profiles(out);

        JsonNode amazonBuyer = profiles.get(buyer("abc123@marketplace.amazon.com"));
        assertThat(amazonBuyer.get("orders_total").asLong()).isEqualTo(2);
        assertThat(amazonBuyer.get("gmv_minor").asLong()).isEqualTo(3398 + 3000);
        JsonNode ann = profiles.get(buyer("ann@example.com"));
        assertThat(ann.get("orders_total").asLong()).isEqualTo(2);
        assertThat(ann.get("gmv_minor").asLong()).isEqualTo(4500 + 3000);
        assertThat(ann.get("refunds_minor").asLong()).isEqualTo(3000);
        assertThat(ann.get("returned_orders").asLong()).isEqualTo(1);
        // EUR at the default rate 1.08
        JsonNode bob = profiles.get(buyer("bob@example.com"));
        assertThat(bob.get("gmv_minor").asLong()).isEqualTo(8640);
        assertThat(bob.get("refunds_minor").asLong()).isEqualTo(2160);
        assertThat(profiles).hasSize(4); // + the UK buyer; no e-mail, voided, bad: none
        assertThat(Files.readString(out.resolve("dead_letter.jsonl"))).isEmpty();
    }

    private static String buyer(String email) {
        return io.customerpulse.tools.importer.ImportersTestAccess.buyer(email);
    }

    private static ImportedEvents read(Path file, String... args) throws Exception {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = file.toString();
        ImportCommand command = CommandLine.populateCommand(new ImportCommand(), all);
        try (Reader r =
                file.toString().endsWith(".gz")
                        ? gzip(file)
                        : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return command.read(r);
        }
    }

    private static Reader gzip(Path file) throws java.io.IOException {
        return new BufferedReader(
                new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8));
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(ImportReplayITCase.class.getResource("/importer/" + name).toURI());
    }

    private static long sum(Map<String, JsonNode> profiles, String field) {
        return profiles.values().stream().mapToLong(p -> p.get(field).asLong()).sum();
    }
}
