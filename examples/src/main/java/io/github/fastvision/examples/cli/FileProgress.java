package io.github.fastvision.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress over a directory of images on stderr, with the rules of training's {@code
 * TrainingProgressBar}: on a terminal a line redrawn in place at most five times a second; in a log
 * ({@code System.console() == null}) a plain line at most every 10 s and one at the end.
 */
final class FileProgress {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 10_000_000_000L;
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final String command;
    private final int total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;

    /**
     * Creates the display.
     *
     * @param out standard error
     * @param command the command name for the line
     * @param total files to go through
     */
    FileProgress(PrintWriter out, String command, int total) {
        this.out = out;
        this.command = command;
        this.total = total;
        this.terminal = System.console() != null;
        this.lastDraw = start;
    }

    /**
     * Reports the files done so far.
     *
     * @param done files done (used or skipped)
     */
    void update(int done) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastDraw < (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String line =
                String.format(
                        Locale.ROOT,
                        "%s [%s%s] %d/%d files, %.1f files/s",
                        command,
                        "=".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        done,
                        total,
                        seconds > 0 ? done / seconds : 0);
        if (terminal) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
