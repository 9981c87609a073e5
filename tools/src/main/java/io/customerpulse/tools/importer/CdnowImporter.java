package io.customerpulse.tools.importer;

import io.customerpulse.config.Cli;
import io.customerpulse.json.AvroJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Turns a CDNOW transaction file into the replay event format: one order per row, at midnight UTC
 * of its date, in USD, sorted by time. Reads both layouts: the sample (master id, sample id, date,
 * CDs, dollars; the customer is the sample id, as in the published summaries) and the master file
 * (customer id, date, CDs, dollars; a header line is skipped). {@code .gz} files are read as gzip.
 *
 * <pre>scripts/import-cdnow ../shared/data/cdnow/CDNOW_sample.txt &gt; cdnow.jsonl</pre>
 */
@Command(
        name = "import-cdnow",
        mixinStandardHelpOptions = true,
        description = "Turns a CDNOW transaction file into replay events (JSON lines).")
public final class CdnowImporter implements Callable<Integer> {
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

    @Parameters(
            index = "0",
            paramLabel = "CDNOW_FILE",
            description = "sample or master file, .gz too")
    Path in;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "OUT.jsonl",
            description = "where to write (default: standard output)")
    Path outFile;

    public static void main(String[] args) {
        Cli.exit(new CdnowImporter(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(in)) {
            throw new Cli.UsageError("no such file: " + in);
        }
        int n = ExportFiles.write(outFile, w -> convert(in, w));
        System.err.println(n + " orders written" + (outFile == null ? "" : " to " + outFile));
        return 0;
    }

    /**
     * Writes one order event per transaction, in time order (the files are sorted by customer; a
     * stream is not), keeping file order within a day; returns how many.
     */
    public static int convert(Path in, Writer out) throws IOException {
        List<Map<String, Object>> events = new ArrayList<>();
        List<LocalDate> dates = new ArrayList<>();
        try (BufferedReader r = reader(in)) {
            String line;
            long lineNumber = 0;
            while ((line = r.readLine()) != null) {
                lineNumber++;
                Transaction t = parse(line);
                if (t != null) {
                    events.add(event(t, lineNumber));
                    dates.add(t.date());
                }
            }
        }
        Integer[] order = new Integer[events.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparing(dates::get)); // stable
        for (int i : order) {
            out.write(AvroJson.MAPPER.writeValueAsString(events.get(i)));
            out.write('\n');
        }
        return events.size();
    }

    /** One CDNOW row; null for a header or blank line. */
    public record Transaction(String customerId, LocalDate date, int cds, long cents) {}

    /** Parses a row of either layout. */
    public static Transaction parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !Character.isDigit(f[0].charAt(0))) {
            return null;
        }
        int o = f.length >= 5 ? 1 : 0; // the sample carries the master id first
        return new Transaction(
                Integer.toString(Integer.parseInt(f[o])),
                LocalDate.parse(f[o + 1], DATE),
                Integer.parseInt(f[o + 2]),
                new BigDecimal(f[o + 3]).movePointRight(2).longValueExact());
    }

    private static Map<String, Object> event(Transaction t, long lineNumber) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "order");
        e.put("event_id", "cdnow-" + lineNumber);
        e.put("customer_id", t.customerId());
        e.put("event_time", t.date().atStartOfDay(ZoneOffset.UTC).toInstant().toString());
        e.put("marketplace", "US");
        e.put("order_id", "cdnow-" + lineNumber);
        Map<String, Object> cds = new LinkedHashMap<>();
        cds.put("asin", "CDNOW-CD");
        cds.put("quantity", t.cds());
        cds.put("unit_price_minor", t.cents() / t.cds());
        e.put("lines", List.of(cds));
        e.put("total_minor", t.cents());
        e.put("currency", "USD");
        return e;
    }

    private static BufferedReader reader(Path in) throws IOException {
        return ExportFiles.reader(in, StandardCharsets.US_ASCII);
    }
}
