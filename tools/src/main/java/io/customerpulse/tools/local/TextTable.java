package io.customerpulse.tools.local;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A query result as a text table for the terminal: every column as wide as its widest value,
 * numbers right-aligned, and amounts kept in minor units (columns named {@code *_minor}) shown in
 * currency units under the currency's name ({@code spend_minor} → {@code spend USD}, 12999 →
 * 129.99).
 */
final class TextTable {
    private final int fractionDigits;
    private final String currency;
    private final List<String> labels = new ArrayList<>();
    private final List<Boolean> numeric = new ArrayList<>();
    private final List<Boolean> minor = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param fractionDigits the currency's minor digits (2 for USD)
     */
    TextTable(String currency, int fractionDigits) {
        this.currency = currency;
        this.fractionDigits = fractionDigits;
    }

    /** Adds a column; {@code isNumeric} right-aligns it. */
    TextTable column(String label, boolean isNumeric) {
        boolean amount = isNumeric && label.endsWith("_minor");
        labels.add(amount ? label.substring(0, label.length() - 6) + " " + currency : label);
        numeric.add(isNumeric);
        minor.add(amount);
        return this;
    }

    /** Adds a row of the columns' values as the database renders them (null for SQL NULL). */
    TextTable row(List<String> values) {
        String[] cells = new String[labels.size()];
        for (int i = 0; i < cells.length; i++) {
            String v = values.get(i);
            cells[i] =
                    v == null
                            ? "-"
                            : minor.get(i)
                                    ? new BigDecimal(v)
                                            .movePointLeft(fractionDigits)
                                            .toPlainString()
                                    : v;
        }
        rows.add(cells);
        return this;
    }

    /** The table, each line indented by two spaces, columns two spaces apart. */
    String render() {
        int[] width = new int[labels.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = labels.get(i).length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, labels.toArray(String[]::new), width);
        for (String[] r : rows) {
            line(out, r, width);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder(" ");
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            l.append(' ').append(numeric.get(i) ? pad + cells[i] : cells[i] + pad).append(' ');
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }
}
