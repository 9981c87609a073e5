package io.customerpulse.tools.importer;

import io.customerpulse.config.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Turns a seller's export into replay events (JSON lines, in time order), for {@code
 * scripts/replay} or for publishing to the input topics. Rows that do not fit are listed with their
 * line and reason; more than {@code --max-bad-rows} of them and nothing is written (exit 1).
 *
 * <pre>
 * scripts/import --format transactions --currency GBP --zone Europe/London \
 *     ../shared/data/online_retail/online_retail.csv.gz retail.jsonl
 * scripts/import --format amazon-orders orders-report.txt amazon.jsonl
 * scripts/import --format shopify-orders --marketplace MYSHOP orders_export.csv shopify.jsonl
 * </pre>
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Turns a seller's export into replay events (JSON lines, in time order).")
public final class ImportCommand implements Callable<Integer> {
    /** The formats read, by their --format names. */
    enum Format {
        TRANSACTIONS("transactions"),
        AMAZON_ORDERS("amazon-orders"),
        SHOPIFY_ORDERS("shopify-orders");

        final String label;

        Format(String label) {
            this.label = label;
        }

        static Format of(String name) {
            for (Format f : values()) {
                if (f.label.equals(name)) {
                    return f;
                }
            }
            throw new Cli.UsageError(
                    "--format: '"
                            + name
                            + "' is none of transactions, amazon-orders, shopify-orders");
        }
    }

    @Option(
            names = "--format",
            required = true,
            paramLabel = "FORMAT",
            description =
                    "transactions (a CSV of invoice lines), amazon-orders (Seller Central's"
                            + " tab-separated order report) or shopify-orders (Shopify's orders CSV)")
    String format;

    @Option(
            names = "--currency",
            paramLabel = "ISO",
            description = "transactions: the currency of the prices (required)")
    String currency;

    @Option(
            names = "--zone",
            defaultValue = "UTC",
            description = "transactions: the time zone of the dates (default ${DEFAULT-VALUE})")
    String zone;

    @Option(
            names = "--date-format",
            defaultValue = "yyyy-MM-dd HH:mm:ss",
            description = "transactions: the dates' pattern (default ${DEFAULT-VALUE})")
    String dateFormat;

    @Option(
            names = "--columns",
            split = ",",
            paramLabel = "FIELD=HEADER",
            description =
                    "transactions: header names of invoice, customer, date, quantity, price,"
                            + " product (default the UCI Online Retail names: InvoiceNo, CustomerID,"
                            + " InvoiceDate, Quantity, UnitPrice, StockCode; product= for none)")
    Map<String, String> columns = Map.of();

    @Option(
            names = "--credit-prefix",
            defaultValue = "C",
            description =
                    "transactions: invoice numbers of credit notes start with it (default"
                            + " ${DEFAULT-VALUE})")
    String creditPrefix;

    @Option(
            names = "--marketplace",
            defaultValue = "WEB",
            description =
                    "transactions, shopify-orders: the marketplace of the events (default"
                            + " ${DEFAULT-VALUE}; amazon-orders takes it from sales-channel)")
    String marketplace;

    @Option(
            names = "--buyer-column",
            defaultValue = "buyer-email",
            description =
                    "amazon-orders: the column with the buyer's e-mail (default"
                            + " ${DEFAULT-VALUE})")
    String buyerColumn;

    @Option(
            names = "--max-bad-rows",
            defaultValue = "0",
            description =
                    "rows that do not fit allowed before nothing is written (default"
                            + " ${DEFAULT-VALUE})")
    int maxBadRows;

    @Parameters(index = "0", paramLabel = "EXPORT", description = "the export file, .gz too")
    Path in;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "OUT.jsonl",
            description = "where to write (default: standard output)")
    Path outFile;

    public static void main(String[] args) {
        Cli.exit(new ImportCommand(), args);
    }

    @Override
    public Integer call() throws IOException {
        Format.of(format); // a wrong format says so before a missing file does
        if (!Files.isRegularFile(in)) {
            throw new Cli.UsageError("no such file: " + in);
        }
        ImportedEvents events;
        try (Reader r = reader(in)) {
            events = read(r);
        } catch (IllegalArgumentException e) { // the header or an option does not fit
            throw new Cli.UsageError(in + ": " + e.getMessage());
        }
        PrintStream err = System.err;
        events.badRows().stream().limit(20).forEach(b -> err.println(in.getFileName() + ": " + b));
        if (events.badRows().size() > 20) {
            err.println("... " + (events.badRows().size() - 20) + " more bad rows");
        }
        events.skipped().forEach((why, n) -> err.println("left out (" + why + "): " + n + " rows"));
        if (events.badRows().size() > maxBadRows) {
            err.println(
                    events.badRows().size()
                            + " bad rows, more than --max-bad-rows "
                            + maxBadRows
                            + ": nothing written");
            return 1;
        }
        int n = ExportFiles.write(outFile, events::write);
        err.println(
                n
                        + " events ("
                        + events.orders()
                        + " orders, "
                        + events.returns()
                        + " returns) written"
                        + (outFile == null ? "" : " to " + outFile));
        return 0;
    }

    /** Reads the export in this command's format and options. */
    public ImportedEvents read(Reader r) throws IOException {
        ImportedEvents events = new ImportedEvents();
        switch (Format.of(format)) {
            case TRANSACTIONS -> {
                if (currency == null) {
                    throw new Cli.UsageError("--format transactions needs --currency");
                }
                ZoneId z;
                try {
                    z = ZoneId.of(zone);
                    DateTimeFormatter.ofPattern(dateFormat); // fails here, not on every row
                } catch (DateTimeException | IllegalArgumentException e) {
                    throw new Cli.UsageError("--zone or --date-format: " + e.getMessage());
                }
                TransactionsCsv.read(
                        r,
                        new TransactionsCsv.Options(
                                TransactionsCsv.Columns.ONLINE_RETAIL.with(columns),
                                dateFormat,
                                z,
                                currency,
                                marketplace,
                                creditPrefix),
                        events);
            }
            case AMAZON_ORDERS -> AmazonOrderReport.read(r, buyerColumn, events);
            case SHOPIFY_ORDERS -> ShopifyOrders.read(r, marketplace, events);
        }
        return events;
    }

    private static Reader reader(Path in) throws IOException {
        return ExportFiles.reader(in, StandardCharsets.UTF_8);
    }
}
