package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import llmproxy.config.Problem;
import llmproxy.logging.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the config file and applies valid changes to the gateway, without a restart and without touching
 * requests in flight (each one keeps the snapshot it started with).
 *
 * <p>One daemon thread watches the file's folder (in-place writes, rename-over saves, a Kubernetes
 * {@code ..data} symlink swap), debounces bursts of events into one check, and also polls the file's real path,
 * modification time and size every poll interval for filesystems that deliver no events. The files the config
 * refers to ({@code ${file:}} secrets, CA and TLS files) are polled the same way and are part of the content. A
 * check reloads only when the SHA-256 of the config's bytes plus those files' bytes differs from the last content
 * tried and is the same again after the debounce delay (so a file being written is applied only once complete),
 * so an invalid file logs its ERROR once per change and the old config keeps serving; a deleted file logs one
 * WARN and keeps the old config. A reload that would turn authentication off is refused with one ERROR. All
 * state below the
 * constructor's fields is confined to the watch thread.
 */
public final class ConfigReloader implements AutoCloseable {
    static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
    static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
    private static final Path NO_HOP = Path.of("");
    /** A steady stream of events still gets checked this long after the first one. */
    private static final long MAX_DEBOUNCE_NANOS = TimeUnit.MILLISECONDS.toNanos(800);

    /** What the poll compares: where the path leads, when that file changed and how big it is. */
    private record Fingerprint(Path realPath, FileTime modified, long size) {
        static final Fingerprint MISSING = new Fingerprint(null, null, -1);

        static Fingerprint of(Path file) {
            try {
                return new Fingerprint(file.toRealPath(), Files.getLastModifiedTime(file), Files.size(file));
            } catch (IOException | RuntimeException e) {
                return MISSING;
            }
        }
    }

    private final Path file;
    private final Path dir;
    private final ConfigLoader loader;
    private final Gateway gateway;
    private final Log log;
    private final long pollNanos;
    private final long debounceMillis;
    private final WatchService watcher;
    private final Thread thread;
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicInteger reloads = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile boolean closed;

    private List<Fingerprint> seen;
    private byte[] lastTried;
    private boolean missing;
    private String unreadable;

    private ConfigReloader(Path file, ConfigLoader loader, Gateway gateway, Log log, Duration poll, Duration debounce,
                           boolean watchFolder) {
        this.file = file.toAbsolutePath().normalize();
        this.dir = this.file.getParent();
        this.loader = loader;
        this.gateway = gateway;
        this.log = log;
        this.pollNanos = poll.toNanos();
        this.debounceMillis = Math.max(1, debounce.toMillis());
        this.watcher = watchFolder ? watch(this.dir, log) : null;
        // The content the gateway started with (read again here: Main loaded it a moment ago).
        this.seen = fingerprints();
        this.lastTried = hashOrNull(this.file, referencedFiles());
        this.thread = Thread.ofPlatform().daemon().name("config-reloader").unstarted(this::run);
    }

    /** Starts watching {@code file}; the gateway must be serving the config loaded from it. */
    public static ConfigReloader start(Path file, ConfigLoader loader, Gateway gateway, Log log) {
        return start(file, loader, gateway, log, DEFAULT_POLL, DEFAULT_DEBOUNCE, true);
    }

    /** For tests: other poll and debounce delays; {@code watchFolder} false polls only, as on a network mount. */
    static ConfigReloader start(Path file, ConfigLoader loader, Gateway gateway, Log log, Duration poll,
                                Duration debounce, boolean watchFolder) {
        ConfigReloader r = new ConfigReloader(file, loader, gateway, log, poll, debounce, watchFolder);
        gateway.watching(r.file.toString(), r.lastTried == null ? null : HexFormat.of().formatHex(r.lastTried));
        r.thread.start();
        return r;
    }

    /** How many times the file's content was examined; lets tests know a change was noticed. */
    int checks() {
        return checks.get();
    }

    /** How many poll intervals have passed; lets tests wait for polls that should do nothing. */
    int polls() {
        return polls.get();
    }

    /** How many reloads were applied. */
    int reloads() {
        return reloads.get();
    }

    /** Stops the watch thread and closes the WatchService; returns once the thread has ended (or after 2 s). */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.warn("config: closing the file watcher failed: " + e);
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static WatchService watch(Path dir, Log log) {
        WatchService ws = null;
        try {
            ws = dir.getFileSystem().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return ws;
        } catch (IOException | RuntimeException e) {
            log.warn("config: cannot watch " + dir + " (" + e + "); polling the config file every few seconds only");
            if (ws != null) {
                try {
                    ws.close();
                } catch (IOException ignored) {
                    // Already failing; polling still works.
                }
            }
            return null;
        }
    }

    private void run() {
        long nextPoll = System.nanoTime() + pollNanos;
        while (!closed) {
            try {
                long wait = Math.max(1, nextPoll - System.nanoTime());
                if (awaitEvents(wait)) {
                    debounce();
                    check();
                }
                if (System.nanoTime() - nextPoll >= 0) {
                    nextPoll = System.nanoTime() + pollNanos;
                    if (!fingerprints().equals(seen)) {
                        check();
                    }
                    polls.incrementAndGet();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                if (!closed) {
                    log.error("config: the file watcher stopped unexpectedly; config changes are no longer applied");
                }
                return;
            } catch (RuntimeException e) {
                log.error("config: the reload check failed; still watching", e);
            }
        }
    }

    /** True when a relevant event arrived within {@code nanos}; false on timeout or irrelevant events. */
    private boolean awaitEvents(long nanos) throws InterruptedException {
        if (watcher == null) {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return false;
        }
        WatchKey key = watcher.poll(nanos, TimeUnit.NANOSECONDS);
        return key != null && drain(key);
    }

    /** Waits until the folder has been quiet for the debounce delay, so an editor's save is one reload. */
    private void debounce() throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < MAX_DEBOUNCE_NANOS) {
            WatchKey key = watcher.poll(debounceMillis, TimeUnit.MILLISECONDS);
            if (key == null) {
                return;
            }
            drain(key);
        }
    }

    /**
     * Consumes a key's events; true when one may concern the config: its own name, a {@code ..name} entry (the
     * Kubernetes {@code ..data} swap), the first hop of a relative symlink, or lost events.
     */
    private boolean drain(WatchKey key) {
        boolean relevant = false;
        Path hop = null;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (relevant) {
                continue;
            }
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path name)) {
                relevant = true;
            } else if (name.equals(file.getFileName()) || name.toString().startsWith("..")) {
                relevant = true;
            } else {
                hop = hop == null ? symlinkHop() : hop;
                relevant = name.equals(hop);
            }
        }
        key.reset();
        return relevant;
    }

    /** The first name of a relative symlink target ({@code current/config.yaml} gives {@code current}), or NO_HOP. */
    private Path symlinkHop() {
        try {
            Path target = Files.readSymbolicLink(file);
            return target.isAbsolute() || target.getNameCount() == 0 ? NO_HOP : target.getName(0);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return NO_HOP;
        }
    }

    /**
     * Reloads when the content differs from the content tried last and has stayed the same for the debounce
     * delay: read, wait, read again, equal hashes. A file caught mid-write is never applied.
     */
    private void check() throws InterruptedException {
        checks.incrementAndGet();
        seen = fingerprints();
        byte[] bytes = read();
        if (bytes == null || Arrays.equals(sha256(bytes, referencedFiles()), lastTried)) {
            return;
        }
        while (true) {
            TimeUnit.MILLISECONDS.sleep(debounceMillis);
            seen = fingerprints();
            byte[] again = read();
            if (again == null) {
                return;
            }
            if (Arrays.equals(again, bytes)) {
                break;
            }
            bytes = again;
        }
        byte[] hash = sha256(bytes, referencedFiles());
        if (Arrays.equals(hash, lastTried)) {
            return;
        }
        lastTried = hash;
        if (reload(bytes)) {
            // The new config may refer to other files; hash what the next check will compare against.
            lastTried = sha256(bytes, referencedFiles());
            seen = fingerprints();
        }
    }

    /** The file's bytes, or null when it is missing or unreadable (each logged once until it changes). */
    private byte[] read() {
        try {
            byte[] bytes = Files.readAllBytes(file);
            missing = false;
            unreadable = null;
            return bytes;
        } catch (NoSuchFileException e) {
            if (!missing) {
                missing = true;
                lastTried = null;
                log.warn("config: " + file + ": config file deleted; keeping the current config");
            }
        } catch (IOException e) {
            String reason = e.toString();
            if (!reason.equals(unreadable)) {
                unreadable = reason;
                log.error("config: cannot read " + file + " (" + reason + "); keeping the current config");
            }
        }
        return null;
    }


    /** The files the serving config read besides itself. */
    private List<Path> referencedFiles() {
        return gateway.snapshot().config().files();
    }

    private List<Fingerprint> fingerprints() {
        List<Fingerprint> out = new ArrayList<>();
        out.add(Fingerprint.of(file));
        referencedFiles().forEach(f -> out.add(Fingerprint.of(f)));
        return out;
    }

    private boolean reload(byte[] bytes) {
        Config next;
        try {
            next = loader.parse(bytes, file);
        } catch (ConfigException e) {
            log.error("config reload failed; keeping the current config: " + e.getMessage());
            gateway.reloadFailed(e);
            return false;
        }
        Config old = gateway.snapshot().config();
        if (authenticates(old) && !authenticates(next)) {
            log.error("config reload refused: " + file + " has no usable proxy_api_key or client key, so authentication would"
                    + " turn off; keeping the current config (to run without authentication on purpose, restart"
                    + " the proxy with that config)");
            return false;
        }
        gateway.apply(next);
        gateway.reloaded(HexFormat.of().formatHex(sha256(bytes, List.of())));
        reloads.incrementAndGet();
        // A warning the running config already had was said when it was loaded: say only what is new.
        Set<String> known = new HashSet<>();
        old.warnings().forEach(w -> known.add(w.path() + "\0" + w.reason()));
        for (Problem w : next.warnings()) {
            if (!known.contains(w.path() + "\0" + w.reason())) {
                log.warn("config: " + file + ": " + w);
            }
        }
        log.info("config reloaded: " + ConfigChanges.summary(old, next));
        return true;
    }

    /**
     * Whether clients must present a key. A reload never turns this off: a file truncated or emptied by
     * mistake must not open the proxy to anyone. Any client key counts as a key.
     */
    static boolean authenticates(Config config) {
        return config.proxyApiKey().isSet() || !config.clientKeys().isEmpty();
    }

    private static byte[] hashOrNull(Path file, List<Path> referenced) {
        try {
            return sha256(Files.readAllBytes(file), referenced);
        } catch (IOException e) {
            return null;
        }
    }

    /** The config's bytes, then each referenced file's name and bytes (a missing one counts as such). */
    private static byte[] sha256(byte[] bytes, List<Path> referenced) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        md.update(bytes);
        for (Path f : referenced) {
            md.update(("\0" + f + "\0").getBytes(StandardCharsets.UTF_8));
            try {
                md.update(Files.readAllBytes(f));
            } catch (IOException e) {
                md.update(("unreadable: " + e.getClass().getName()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return md.digest();
    }
}
