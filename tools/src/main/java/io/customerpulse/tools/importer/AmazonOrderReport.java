package io.customerpulse.tools.importer;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Amazon Seller Central's order report (the tab-separated "All Orders" flat file, one row per item
 * of an order). Rows of one {@code amazon-order-id} become one order at its {@code purchase-date}:
 * a line per item ({@code asin}, {@code quantity}, {@code item-price} / quantity), the total the
 * sum of {@code item-price} less {@code item-promotion-discount} (tax, shipping and gift wrap are
 * not the seller's sales); {@code fulfillment-channel} Amazon is FBA, Merchant FBM; the marketplace
 * is the country of {@code sales-channel} (Amazon.co.uk is UK). The report names no buyer id: the
 * customer is the buyer's (anonymised relay) e-mail, {@code buyer-email} or the column given,
 * through {@link Buyers#idOf}. Cancelled orders and items, items of quantity 0 and pending orders
 * that have no price yet are left out and counted; a row without a buyer, with a price or date that
 * does not parse, or with a currency or buyer other than its order's first row is a bad row.
 */
public final class AmazonOrderReport {
    private AmazonOrderReport() {}

    /** The Amazon sales channels and their marketplace codes; another channel is kept as it is. */
    static final Map<String, String> MARKETPLACES =
            Map.ofEntries(
                    Map.entry("amazon.com", "US"),
                    Map.entry("amazon.ca", "CA"),
                    Map.entry("amazon.com.mx", "MX"),
                    Map.entry("amazon.com.br", "BR"),
                    Map.entry("amazon.co.uk", "UK"),
                    Map.entry("amazon.de", "DE"),
                    Map.entry("amazon.fr", "FR"),
                    Map.entry("amazon.it", "IT"),
                    Map.entry("amazon.es", "ES"),
                    Map.entry("amazon.nl", "NL"),
                    Map.entry("amazon.se", "SE"),
                    Map.entry("amazon.pl", "PL"),
                    Map.entry("amazon.co.jp", "JP"),
                    Map.entry("amazon.in", "IN"),
                    Map.entry("amazon.com.au", "AU"));

    /** Reads the whole report into {@code out}; {@code buyerColumn} holds the buyer's e-mail. */
    public static void read(Reader in, String buyerColumn, ImportedEvents out) throws IOException {
        Map<String, Order> orders = new LinkedHashMap<>();
        try (CSVParser csv =
                CSVFormat.TDF
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .setQuote(null)
                        .setTrim(true)
                        .get()
                        .parse(in)) {
            Map<String, String> columns = new LinkedHashMap<>();
            for (String c :
                    List.of(
                            "amazon-order-id",
                            "purchase-date",
                            "order-status",
                            "fulfillment-channel",
                            "sales-channel",
                            "item-status",
                            "asin",
                            "quantity",
                            "currency",
                            "item-price",
                            "item-promotion-discount")) {
                columns.put(c, c);
            }
            columns.put("buyer", buyerColumn);
            Headers.require(csv, columns);
            for (CSVRecord r : csv) {
                long line = csv.getCurrentLineNumber();
                if (r.get("order-status").equalsIgnoreCase("Cancelled")) {
                    out.skip("cancelled order");
                    continue;
                }
                if (r.get("item-status").equalsIgnoreCase("Cancelled")
                        || r.get("quantity").equals("0")) {
                    out.skip("cancelled item");
                    continue;
                }
                if (r.get("item-price").isEmpty() && r.get("order-status").startsWith("Pending")) {
                    out.skip("pending order without a price");
                    continue;
                }
                try {
                    String id = r.get("amazon-order-id");
                    String buyer = r.get(buyerColumn);
                    if (buyer.isEmpty()) {
                        throw new IllegalArgumentException(
                                "order " + id + " has no " + buyerColumn);
                    }
                    String currency = r.get("currency");
                    Money.currency(currency);
                    Order o =
                            orders.computeIfAbsent(id, k -> new Order(k, buyer, currency, line, r));
                    if (!o.buyer.equals(buyer) || !o.currency.equals(currency)) {
                        throw new IllegalArgumentException(
                                "order "
                                        + id
                                        + " has another buyer or currency on its line "
                                        + o.firstLine);
                    }
                    int quantity = Integer.parseInt(r.get("quantity"));
                    BigDecimal price = Money.parse("item-price", r.get("item-price"));
                    String discount = r.get("item-promotion-discount");
                    BigDecimal promotion =
                            discount.isEmpty()
                                    ? BigDecimal.ZERO
                                    : Money.parse("item-promotion-discount", discount).abs();
                    o.lines.add(
                            new ImportedEvents.Line(
                                    r.get("asin"),
                                    quantity,
                                    Money.minor(
                                            price.divide(
                                                    BigDecimal.valueOf(quantity),
                                                    10,
                                                    java.math.RoundingMode.HALF_EVEN),
                                            currency)));
                    o.totalMinor += Money.minor(price.subtract(promotion), currency);
                } catch (NumberFormatException e) {
                    out.bad(line, "quantity '" + r.get("quantity") + "' is not a whole number");
                } catch (IllegalArgumentException e) {
                    out.bad(line, e.getMessage());
                }
            }
        }
        for (Order o : orders.values()) {
            if (o.lines.isEmpty()) {
                continue; // every line of it was bad: reported there
            }
            out.order(
                    "amazon-" + o.id,
                    Buyers.idOf(o.buyer),
                    o.at,
                    o.marketplace,
                    o.id,
                    o.lines,
                    o.totalMinor,
                    o.currency,
                    o.fulfillment);
        }
    }

    private static final class Order {
        final String id;
        final String buyer;
        final String currency;
        final long firstLine;
        final Instant at;
        final String marketplace;
        final String fulfillment;
        final List<ImportedEvents.Line> lines = new ArrayList<>();
        long totalMinor;

        Order(String id, String buyer, String currency, long firstLine, CSVRecord r) {
            this.id = id;
            this.buyer = buyer;
            this.currency = currency;
            this.firstLine = firstLine;
            try {
                this.at = OffsetDateTime.parse(r.get("purchase-date")).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "purchase-date '" + r.get("purchase-date") + "' is not an ISO-8601 time");
            }
            String channel = r.get("sales-channel");
            this.marketplace =
                    MARKETPLACES.getOrDefault(channel.toLowerCase(java.util.Locale.ROOT), channel);
            this.fulfillment =
                    switch (r.get("fulfillment-channel")) {
                        case "Amazon", "AFN" -> "FBA";
                        case "Merchant", "MFN" -> "FBM";
                        default -> null;
                    };
        }
    }
}
