package io.customerpulse.tools.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;

/** Checks an export's header before any row is read. */
final class Headers {
    private Headers() {}

    /**
     * Every column of {@code columns} (field → header name; a null name is a field not read) must
     * be in the header; else IllegalArgumentException naming the missing ones and the header.
     */
    static void require(CSVParser csv, Map<String, String> columns) {
        List<String> missing = new ArrayList<>();
        columns.forEach(
                (field, header) -> {
                    if (header != null && !csv.getHeaderMap().containsKey(header)) {
                        missing.add(header + " (" + field + ")");
                    }
                });
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the header has no column "
                            + String.join(", ", missing)
                            + "; it has "
                            + csv.getHeaderNames());
        }
    }
}
