package io.customerpulse.tools.importer;

import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Shopify's orders export (Orders → Export, CSV): one row per line item, the order's own fields
 * (e-mail, currency, subtotal, dates, refunded amount) on its first row only. The rows of one
 * {@code Name} (#1001) become one order at {@code Created at}: a line per row ({@code Lineitem
 * sku}, or the name when there is no SKU; quantity; price), the total the {@code Subtotal} (line
 * items after discounts; shipping and taxes are not the seller's sales). A {@code Refunded Amount}
 * above zero becomes a return of that amount; the export carries no refund date, so it is dated
 * {@code Cancelled at} when the order was cancelled and else the order's own time (a documented
 * approximation: a refund's real date moves the return window). The customer is the {@code Email}
 * through {@link Buyers#idOf}; an order without one (a point-of-sale sale to nobody) is left out
 * and counted, as are voided orders. A first row whose numbers or date do not parse is a bad row
 * and its order is left out.
 */
public final class ShopifyOrders {
    private ShopifyOrders() {}

    /** Shopify's export time: "2024-03-01 10:15:30 -0500". */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

    /** Reads the whole export into {@code out}; {@code marketplace} names the shop. */
    public static void read(Reader in, String marketplace, ImportedEvents out) throws IOException {
        Map<String, Order> orders = new LinkedHashMap<>();
        try (CSVParser csv =
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            Map<String, String> columns = new LinkedHashMap<>();
            for (String c :
                    List.of(
                            "Name",
                            "Email",
                            "Financial Status",
                            "Currency",
                            "Subtotal",
                            "Created at",
                            "Cancelled at",
                            "Refunded Amount",
                            "Lineitem quantity",
                            "Lineitem name",
                            "Lineitem price",
                            "Lineitem sku")) {
                columns.put(c, c);
            }
            Headers.require(csv, columns);
            for (CSVRecord r : csv) {
                long line = csv.getCurrentLineNumber();
                String name = r.get("Name");
                try {
                    Order o = orders.get(name);
                    if (o == null) {
                        o = Order.first(name, r);
                        orders.put(name, o); // a bad first row throws first: no order
                    }
                    String product = r.get("Lineitem sku");
                    int quantity = Integer.parseInt(r.get("Lineitem quantity").trim());
                    o.lines.add(
                            new ImportedEvents.Line(
                                    product.isBlank() ? r.get("Lineitem name") : product,
                                    quantity,
                                    Money.minor(
                                            Money.parse("Lineitem price", r.get("Lineitem price")),
                                            o.currency)));
                } catch (NumberFormatException e) {
                    out.bad(
                            line,
                            "Lineitem quantity '"
                                    + r.get("Lineitem quantity")
                                    + "' is not a whole number");
                } catch (IllegalArgumentException e) {
                    out.bad(line, e.getMessage());
                }
            }
        }
        for (Order o : orders.values()) {
            if (o.email.isBlank()) {
                out.skip("no customer e-mail");
                continue;
            }
            if (o.status.equalsIgnoreCase("voided")) {
                out.skip("voided order");
                continue;
            }
            String customer = Buyers.idOf(o.email);
            out.order(
                    "shopify-" + o.name,
                    customer,
                    o.at,
                    marketplace,
                    o.name,
                    o.lines,
                    o.subtotalMinor,
                    o.currency,
                    null);
            if (o.refundedMinor > 0) {
                out.refund(
                        "shopify-refund-" + o.name,
                        customer,
                        o.cancelledAt == null ? o.at : o.cancelledAt,
                        marketplace,
                        o.name,
                        o.refundedMinor,
                        o.currency,
                        o.cancelledAt == null ? "REFUND" : "CANCELLED");
            }
        }
    }

    private static final class Order {
        String name;
        String email;
        String status;
        String currency;
        Instant at;
        Instant cancelledAt;
        long subtotalMinor;
        long refundedMinor;
        final List<ImportedEvents.Line> lines = new ArrayList<>();

        static Order first(String name, CSVRecord r) {
            if (r.get("Created at").isBlank()) {
                throw new IllegalArgumentException(
                        "order " + name + " starts without its order fields (Created at)");
            }
            Order o = new Order();
            o.name = name;
            o.email = r.get("Email");
            o.status = r.get("Financial Status");
            o.currency = r.get("Currency").trim();
            Money.currency(o.currency);
            o.at = time("Created at", r.get("Created at"));
            o.cancelledAt =
                    r.get("Cancelled at").isBlank()
                            ? null
                            : time("Cancelled at", r.get("Cancelled at"));
            o.subtotalMinor = Money.minor(Money.parse("Subtotal", r.get("Subtotal")), o.currency);
            String refunded = r.get("Refunded Amount");
            o.refundedMinor =
                    refunded.isBlank()
                            ? 0
                            : Money.minor(Money.parse("Refunded Amount", refunded), o.currency);
            return o;
        }
    }

    private static Instant time(String column, String value) {
        try {
            return OffsetDateTime.parse(value.trim(), TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    column + " '" + value + "' is not a time like 2024-03-01 10:15:30 -0500");
        }
    }
}
