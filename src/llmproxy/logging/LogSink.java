package llmproxy.logging;

import llmproxy.config.LogSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Where records end up: stdout, the general {@link RollingFile} and the per-request {@link RequestFiles}.
 * Formats and masks everything it writes. A failing disk costs one ERROR line on stdout and that output is
 * dropped until the next {@link #apply}; nothing here throws. Not thread-safe: callers hold the writer's lock.
 */
final class LogSink {
    private final PrintStream stdout;
    private final Clock clock;
    private final TimestampCache timestamps;
    private final LineFormat lines;
    private final RequestBlockFormatter blocks;
    private final StringBuilder pendingStdout = new StringBuilder(8192);
    private Level level = Level.INFO;
    private LogSettings settings = LogSettings.defaults();
    private SecretMasker masker = new SecretMasker(List.of());
    private RollingFile general;
    private String generalKey = "";
    private RequestFiles requestFiles;
    /** Request files were configured but cannot be written. */
    private boolean filesLost;
    private boolean closed;

    LogSink(PrintStream stdout, Clock clock) {
        this.stdout = stdout;
        this.clock = clock;
        this.timestamps = new TimestampCache(clock.getZone());
        this.lines = new LineFormat(timestamps);
        this.blocks = new RequestBlockFormatter(timestamps);
    }

    void apply(LogSettings s, Level l, SecretMasker m) {
        if (closed) {
            return;
        }
        settings = s;
        level = l;
        masker = m;
        String file = s.generalFile() == null ? "" : s.generalFile().trim();
        long maxBytes = (long) s.maxFileSizeMb() * 1024 * 1024;
        String key = file + "|" + maxBytes + "|" + s.maxFiles();
        // A reload with the same file keeps it open; a file that failed earlier gets a fresh try.
        if (general == null || !key.equals(generalKey)) {
            closeGeneral();
            generalKey = key;
            if (!file.isEmpty()) {
                try {
                    RollingFile f = new RollingFile(Path.of(file), maxBytes, s.maxFiles(), clock.getZone());
                    f.open(clock.millis());
                    general = f;
                } catch (IOException | RuntimeException e) {
                    fileFailed(file, e);
                }
            }
        }
        requestFiles = null;
        filesLost = false;
        Path requestDir = dir(s.requestDir());
        Path errorDir = dir(s.errorDir());
        if (s.separateFiles() && (requestDir != null || errorDir != null)) {
            try {
                requestFiles = new RequestFiles(requestDir, errorDir);
            } catch (IOException | RuntimeException e) {
                filesLost = true;
                fileFailed(s.requestDir() + ", " + s.errorDir(), e);
            }
        }
    }

    void line(Level l, long millis, String message, Throwable thrown) {
        String text = masker.mask(lines.format(l, millis, message, thrown));
        pendingStdout.append(text);
        if (general != null) {
            try {
                general.write(text.getBytes(StandardCharsets.UTF_8), millis);
            } catch (IOException | RuntimeException e) {
                String path = String.valueOf(general.current());
                closeGeneral();
                fileFailed(path, e);
            }
        }
    }

    /** A line about logging itself, stamped now. */
    void internal(Level l, String message, Throwable thrown) {
        line(l, clock.millis(), message, thrown);
    }

    void trace(RequestTrace t, long millis) {
        if (closed) {
            return;
        }
        if (requestFiles != null) {
            String block = masker.mask(blocks.block(t, settings.maxBodyLogBytes(), masker)) + LineFormat.NL;
            try {
                requestFiles.write(timestamps.fileStamp(t.startMillis()), t.requestId(), block, t.failed());
            } catch (IOException | RuntimeException e) {
                requestFiles = null;
                filesLost = true;
                fileFailed(settings.requestDir() + ", " + settings.errorDir(), e);
                inlineBlock(t, millis);
            }
        } else {
            inlineBlock(t, millis);
        }
        if (settings.enableMetrics() && enabled(Level.INFO)) {
            line(Level.INFO, millis, blocks.metrics(t), null);
        }
    }

    /** Writes what is pending to stdout and the general file. */
    void flush() {
        if (!pendingStdout.isEmpty()) {
            stdout.print(pendingStdout);
            pendingStdout.setLength(0);
        }
        stdout.flush();
        if (general != null) {
            try {
                general.flush();
            } catch (IOException e) {
                String path = String.valueOf(general.current());
                closeGeneral();
                fileFailed(path, e);
                flush();
            }
        }
    }

    /** Flushes and closes files; afterwards lines still reach stdout, request traces are ignored. */
    void close() {
        flush();
        closeGeneral();
        requestFiles = null;
        closed = true;
    }

    private void inlineBlock(RequestTrace t, long millis) {
        // At DEBUG only: a failed request's one summary line is already in the log at its own level. When the
        // request files it was meant for cannot be written, a failed request's block is kept here instead.
        Level l = filesLost && t.failed() ? Level.WARN : Level.DEBUG;
        if (enabled(l)) {
            line(l, millis, blocks.block(t, settings.maxBodyLogBytes(), masker), null);
        }
    }

    private boolean enabled(Level l) {
        return l.compareTo(level) >= 0;
    }

    /** The single line a broken file costs; it goes to stdout only, the file being what failed. */
    private void fileFailed(String what, Exception e) {
        String text = lines.format(Level.ERROR, clock.millis(),
                "cannot write log file(s) " + what + ", logging to stdout only: " + e, null);
        pendingStdout.append(masker.mask(text));
    }

    private void closeGeneral() {
        RollingFile f = general;
        general = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException e) {
                // the bytes are lost either way; the next file starts clean
            }
        }
    }

    private static Path dir(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }
}
