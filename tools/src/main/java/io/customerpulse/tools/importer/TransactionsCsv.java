package io.customerpulse.tools.importer;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
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
 * A generic transactions CSV, one row per invoice line (UCI Online Retail is one): invoice,
 * customer, date, quantity, unit price, and optionally a product code. Each invoice becomes one
 * order at its date, its lines the rows; an invoice whose number starts with the credit prefix ("C"
 * by default) is a credit note and becomes a return refunding minus its lines' sum, under its own
 * number as the order id (a credit note does not name the invoice it credits). A line's amount is
 * quantity × unit price rounded half-even to the currency's minor unit; an invoice's total is the
 * sum of its lines. Rows without a customer are left out and counted; a row whose numbers or date
 * do not parse, a credit note line with a positive quantity or an invoice line with a negative one,
 * and a row whose customer or date differs from its invoice's first row are bad rows.
 */
public final class TransactionsCsv {
    /** Which header names hold each field; {@code product} may be null (lines get "-"). */
    public record Columns(
            String invoice,
            String customer,
            String date,
            String quantity,
            String price,
            String product) {
        /** The UCI Online Retail header. */
        public static final Columns ONLINE_RETAIL =
                new Columns(
                        "InvoiceNo",
                        "CustomerID",
                        "InvoiceDate",
                        "Quantity",
                        "UnitPrice",
                        "StockCode");

        /** These columns with {@code field=Header} pairs replacing some. */
        public Columns with(Map<String, String> names) {
            Map<String, String> m = new LinkedHashMap<>(asMap());
            names.forEach(
                    (field, header) -> {
                        if (!m.containsKey(field)) {
                            throw new IllegalArgumentException(
                                    "unknown column field '"
                                            + field
                                            + "' (one of "
                                            + String.join(", ", m.keySet())
                                            + ")");
                        }
                        m.put(field, header.isEmpty() ? null : header);
                    });
            return new Columns(
                    m.get("invoice"),
                    m.get("customer"),
                    m.get("date"),
                    m.get("quantity"),
                    m.get("price"),
                    m.get("product"));
        }

        Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("invoice", invoice);
            m.put("customer", customer);
            m.put("date", date);
            m.put("quantity", quantity);
            m.put("price", price);
            m.put("product", product);
            return m;
        }
    }

    /**
     * @param dateFormat the date column's pattern ({@link DateTimeFormatter})
     * @param zone the time zone of the dates (the export's wall clock)
     * @param creditPrefix an invoice number starting with it is a credit note
     */
    public record Options(
            Columns columns,
            String dateFormat,
            ZoneId zone,
            String currency,
            String marketplace,
            String creditPrefix) {}

    private TransactionsCsv() {}

    /** Reads the whole export into {@code out}. */
    public static void read(Reader in, Options o, ImportedEvents out) throws IOException {
        Money.currency(o.currency());
        DateTimeFormatter dates = DateTimeFormatter.ofPattern(o.dateFormat());
        Map<String, Invoice> invoices = new LinkedHashMap<>();
        try (CSVParser csv =
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            Headers.require(csv, o.columns().asMap());
            for (CSVRecord r : csv) {
                long line = csv.getCurrentLineNumber();
                String customer = r.get(o.columns().customer()).trim();
                if (customer.isEmpty()) {
                    out.skip("no customer");
                    continue;
                }
                try {
                    String number = r.get(o.columns().invoice()).trim();
                    if (number.isEmpty()) {
                        throw new IllegalArgumentException("no invoice number");
                    }
                    Instant at = at(r.get(o.columns().date()), dates, o.zone());
                    int quantity = quantity(r.get(o.columns().quantity()));
                    BigDecimal price = Money.parse(o.columns().price(), r.get(o.columns().price()));
                    boolean credit = number.startsWith(o.creditPrefix());
                    if (credit ? quantity >= 0 : quantity <= 0) {
                        throw new IllegalArgumentException(
                                (credit ? "credit note " : "invoice ")
                                        + number
                                        + " has a line with quantity "
                                        + quantity);
                    }
                    Invoice invoice =
                            invoices.computeIfAbsent(
                                    number, n -> new Invoice(n, customer, at, credit, line));
                    if (!invoice.customer.equals(customer)) {
                        throw new IllegalArgumentException(
                                "invoice "
                                        + number
                                        + " has another customer on its line "
                                        + invoice.firstLine);
                    }
                    if (at.isBefore(invoice.at)) {
                        invoice.at = at; // entered across a minute: its earliest line's time
                    }
                    String product =
                            o.columns().product() == null ? "-" : r.get(o.columns().product());
                    invoice.lines.add(
                            new ImportedEvents.Line(
                                    product.isEmpty() ? "-" : product,
                                    Math.abs(quantity),
                                    Money.minor(price, o.currency())));
                    invoice.totalMinor +=
                            Money.minor(price.multiply(BigDecimal.valueOf(quantity)), o.currency());
                } catch (IllegalArgumentException bad) {
                    out.bad(line, bad.getMessage());
                }
            }
        }
        for (Invoice i : invoices.values()) {
            if (i.credit) {
                out.refund(
                        "txn-" + i.number,
                        i.customer,
                        i.at,
                        o.marketplace(),
                        i.number,
                        -i.totalMinor,
                        o.currency(),
                        "CREDIT_NOTE");
            } else {
                out.order(
                        "txn-" + i.number,
                        i.customer,
                        i.at,
                        o.marketplace(),
                        i.number,
                        i.lines,
                        i.totalMinor,
                        o.currency(),
                        null);
            }
        }
    }

    private static final class Invoice {
        final String number;
        final String customer;
        Instant at;
        final boolean credit;
        final long firstLine;
        final List<ImportedEvents.Line> lines = new ArrayList<>();
        long totalMinor;

        Invoice(String number, String customer, Instant at, boolean credit, long firstLine) {
            this.number = number;
            this.customer = customer;
            this.at = at;
            this.credit = credit;
            this.firstLine = firstLine;
        }
    }

    private static Instant at(String value, DateTimeFormatter dates, ZoneId zone) {
        try {
            return LocalDateTime.parse(value.trim(), dates).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + value + "' does not fit the date format");
        }
    }

    private static int quantity(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quantity '" + value + "' is not a whole number");
        }
    }
}
