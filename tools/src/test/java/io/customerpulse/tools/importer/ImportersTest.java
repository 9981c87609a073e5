package io.customerpulse.tools.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.config.Cli;
import io.customerpulse.json.AvroJson;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Each importer on a small export of its format: the events, the rows left out, the bad rows. */
class ImportersTest {
    private static final Path FIXTURES = fixtures();

    private static Path fixtures() {
        try {
            return Path.of(ImportersTest.class.getResource("/importer").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldMakeOneOrderPerAmazonOrderIdWithItsItemsLessPromotions() throws Exception {
        ImportedEvents events = read("amazon-orders.txt", "--format", "amazon-orders");
        List<JsonNode> out = written(events);

        String buyer = Buyers.idOf("abc123@marketplace.amazon.com");
        assertThat(out)
                .extracting(e -> e.get("order_id").asText())
                .containsExactly(
                        "111-0000001-0000001", "202-0000004-0000004", "111-0000005-0000005");
        JsonNode first = out.get(0);
        assertThat(first.get("customer_id").asText()).isEqualTo(buyer).startsWith("b-").hasSize(18);
        assertThat(first.get("event_time").asText()).isEqualTo("2024-03-01T10:15:30Z");
        assertThat(first.get("marketplace").asText()).isEqualTo("US");
        assertThat(first.get("fulfillment").asText()).isEqualTo("FBA");
        assertThat(first.get("total_minor").asLong()).isEqualTo(2598 + 1000 - 200);
        assertThat(first.get("currency").asText()).isEqualTo("USD");
        assertThat(first.get("lines").toString())
                .isEqualTo(
                        "[{\"asin\":\"B000MUG001\",\"quantity\":2,\"unit_price_minor\":1299},"
                                + "{\"asin\":\"B000TEA002\",\"quantity\":1,\"unit_price_minor\":1000}]");
        JsonNode uk = out.get(1);
        assertThat(uk.get("marketplace").asText()).isEqualTo("UK");
        assertThat(uk.get("fulfillment").asText()).isEqualTo("FBM");
        assertThat(uk.get("event_time").asText()).isEqualTo("2024-03-04T17:30:00Z");
        assertThat(uk.get("total_minor").asLong()).isEqualTo(1250);
        assertThat(uk.get("currency").asText()).isEqualTo("GBP");
        // the same relay address in other letters and with a space: the same buyer
        assertThat(out.get(2).get("customer_id").asText()).isEqualTo(buyer);
        assertThat(out.get(2).get("event_time").asText()).isEqualTo("2024-04-10T14:00:00Z");

        assertThat(events.skipped())
                .isEqualTo(Map.of("cancelled order", 1L, "pending order without a price", 1L));
        assertThat(events.badRows()).containsExactly("line 8: item-price 'ten' is not a number");
    }

    @Test
    void shouldMakeAShopifyOrderOfItsRowsAndAReturnOfItsRefundedAmount() throws Exception {
        ImportedEvents events =
                read("shopify-orders.csv", "--format", "shopify-orders", "--marketplace", "SHOP");
        List<JsonNode> out = written(events);

        String ann = Buyers.idOf("ann@example.com");
        assertThat(out)
                .extracting(
                        e ->
                                e.get("type").asText()
                                        + " "
                                        + e.get("order_id").asText()
                                        + " "
                                        + e.get("event_time").asText())
                .containsExactly(
                        "order #1001 2024-03-01T15:15:30Z",
                        "order #1002 2024-03-02T11:00:00Z",
                        "return #1002 2024-03-02T11:00:00Z",
                        "order #1003 2024-03-10T14:00:00Z",
                        "return #1003 2024-03-10T20:30:00Z");
        JsonNode first = out.get(0);
        assertThat(first.get("customer_id").asText()).isEqualTo(ann);
        assertThat(first.get("marketplace").asText()).isEqualTo("SHOP");
        assertThat(first.get("total_minor").asLong()).isEqualTo(4500); // Subtotal: no shipping, tax
        assertThat(first.get("lines").toString())
                .isEqualTo(
                        "[{\"asin\":\"MUG-B\",\"quantity\":2,\"unit_price_minor\":1500},"
                                + "{\"asin\":\"Gift card\",\"quantity\":1,\"unit_price_minor\":1500}]");
        assertThat(out.get(2).get("refund_minor").asLong()).isEqualTo(2000);
        assertThat(out.get(2).get("currency").asText()).isEqualTo("EUR");
        assertThat(out.get(2).get("reason").asText()).isEqualTo("REFUND");
        assertThat(out.get(3).get("customer_id").asText()).isEqualTo(ann); // Ann, ann
        assertThat(out.get(4).get("refund_minor").asLong()).isEqualTo(3000);
        assertThat(out.get(4).get("reason").asText()).isEqualTo("CANCELLED");

        assertThat(events.skipped())
                .isEqualTo(Map.of("no customer e-mail", 1L, "voided order", 1L));
        assertThat(events.badRows())
                .containsExactly(
                        "line 9: Created at 'yesterday' is not a time like 2024-03-01 10:15:30"
                                + " -0500");
    }

    @Test
    void shouldMakeAnOrderOfEachInvoiceAndAReturnOfEachCreditNote() throws Exception {
        ImportedEvents events =
                read(
                        "transactions.csv",
                        "--format",
                        "transactions",
                        "--currency",
                        "GBP",
                        "--zone",
                        "Europe/London");
        List<JsonNode> out = written(events);

        assertThat(out)
                .extracting(
                        e ->
                                e.get("type").asText()
                                        + " "
                                        + e.get("order_id").asText()
                                        + " "
                                        + e.get("customer_id").asText()
                                        + " "
                                        + e.get("event_time").asText())
                .containsExactly(
                        "order 536365 17850 2010-12-01T08:26:00Z", // its earliest line's time
                        "order 536367 13047 2010-12-01T08:34:00Z",
                        "return C536379 17850 2010-12-01T09:41:00Z");
        assertThat(out.get(0).get("total_minor").asLong()).isEqualTo(1530 + 2034);
        assertThat(out.get(0).get("lines").toString())
                .isEqualTo(
                        "[{\"asin\":\"85123A\",\"quantity\":6,\"unit_price_minor\":255},"
                                + "{\"asin\":\"71053\",\"quantity\":6,\"unit_price_minor\":339}]");
        // 32 x 0.001 = 3.2 pence: a line rounds half-even to the minor unit, as does its price
        assertThat(out.get(1).get("total_minor").asLong()).isEqualTo(3);
        assertThat(out.get(1).get("lines").get(0).get("unit_price_minor").asLong()).isZero();
        assertThat(out.get(2).get("refund_minor").asLong()).isEqualTo(2750);
        assertThat(out.get(2).get("reason").asText()).isEqualTo("CREDIT_NOTE");

        assertThat(events.skipped()).isEqualTo(Map.of("no customer", 1L));
        assertThat(events.badRows())
                .containsExactly(
                        "line 7: quantity 'two' is not a whole number",
                        "line 8: invoice 536381 has a line with quantity -1");
    }

    @Test
    void shouldNameTheMissingColumnsAndTheMissingCurrencyBeforeReadingARow() throws Exception {
        assertThatThrownBy(
                        () ->
                                read(
                                        "transactions.csv",
                                        "--format",
                                        "transactions",
                                        "--currency",
                                        "GBP",
                                        "--columns",
                                        "customer=Customer ID"))
                .hasMessageStartingWith("the header has no column Customer ID (customer)");
        assertThatThrownBy(() -> read("transactions.csv", "--format", "transactions"))
                .isInstanceOf(Cli.UsageError.class)
                .hasMessage("--format transactions needs --currency");
        assertThatThrownBy(() -> read("amazon-orders.txt", "--format", "amazon"))
                .hasMessage(
                        "--format: 'amazon' is none of transactions, amazon-orders, shopify-orders");
        assertThatThrownBy(
                        () ->
                                read(
                                        "amazon-orders.txt",
                                        "--format",
                                        "amazon-orders",
                                        "--buyer-column",
                                        "buyer-id"))
                .hasMessageStartingWith("the header has no column buyer-id (buyer)");
    }

    @Test
    void shouldWriteNothingAndExitOneWithMoreBadRowsThanAllowed() throws Exception {
        Path out = Files.createTempFile("import", ".jsonl");
        Files.delete(out);
        int code =
                Cli.of(new ImportCommand())
                        .execute(
                                "--format",
                                "transactions",
                                "--currency",
                                "GBP",
                                FIXTURES.resolve("transactions.csv").toString(),
                                out.toString());
        assertThat(code).isEqualTo(1);
        assertThat(out).doesNotExist();
        code =
                Cli.of(new ImportCommand())
                        .execute(
                                "--format",
                                "transactions",
                                "--currency",
                                "GBP",
                                "--max-bad-rows",
                                "2",
                                FIXTURES.resolve("transactions.csv").toString(),
                                out.toString());
        assertThat(code).isZero();
        assertThat(Files.readAllLines(out)).hasSize(3);
        Files.delete(out);
    }

    private static ImportedEvents read(String fixture, String... args) throws Exception {
        ImportCommand command = CommandLine.populateCommand(new ImportCommand(), withFile(args));
        try (Reader r =
                new StringReader(
                        Files.readString(FIXTURES.resolve(fixture), StandardCharsets.UTF_8))) {
            return command.read(r);
        }
    }

    private static String[] withFile(String[] args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "unused";
        return all;
    }

    private static List<JsonNode> written(ImportedEvents events) throws Exception {
        StringWriter w = new StringWriter();
        events.write(w);
        List<JsonNode> out = new ArrayList<>();
        for (String line : w.toString().split("\n")) {
            if (!line.isEmpty()) {
                out.add(AvroJson.MAPPER.readTree(line));
            }
        }
        return out;
    }
}
