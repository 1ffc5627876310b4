package io.github.fastvision.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with right-aligned numeric columns, for the human-readable output. */
public final class TextTable {

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * Creates a table.
     *
     * @param headers column headers; a header ending in ':' is left-aligned, others right-aligned
     */
    public TextTable(String... headers) {
        this.headers = new String[headers.length];
        rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            boolean left = headers[i].endsWith(":");
            this.headers[i] = left ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
            rightAligned[i] = !left;
        }
    }

    /**
     * Adds a row.
     *
     * @param cells one cell per column
     */
    public void add(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(
                    "row has " + cells.length + " cells, table has " + headers.length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = String.valueOf(cells[i]);
        }
        rows.add(row);
    }

    /**
     * Prints the table.
     *
     * @param out where to print
     */
    public void print(PrintWriter out) {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        line(out, headers, width);
        String[] rule = new String[headers.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
        out.flush();
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            sb.append(i == 0 ? "" : "  ").append(rightAligned[i] ? pad + cells[i] : cells[i] + pad);
        }
        out.println(sb.toString().stripTrailing());
    }
}
