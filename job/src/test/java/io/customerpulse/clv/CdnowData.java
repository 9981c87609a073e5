package io.customerpulse.clv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CDNOW reference data of ../shared/data/cdnow (see its SOURCE.md). */
public final class CdnowData {
    private CdnowData() {}

    public static Path dir() {
        return Path.of(System.getProperty("cdnow.dir", "../shared/data/cdnow"));
    }

    /**
     * cdnow_customers_summary_with_transactions.csv: ID → (x, t_x, T, zbar), calibration period.
     */
    public static Map<String, RfmStats> summary() throws IOException {
        Map<String, RfmStats> m = new LinkedHashMap<>();
        List<String> lines =
                Files.readAllLines(dir().resolve("cdnow_customers_summary_with_transactions.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            m.put(
                    f[0],
                    new RfmStats(
                            Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]),
                            Double.parseDouble(f[4])));
        }
        return m;
    }
}
