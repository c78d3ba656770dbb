package io.tollgate.usage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The ledger's local append-only spool: usage rows that PostgreSQL could not take, fsync'd before they count as
 * recorded, kept in segment files until they have been replayed. One line per row, {@code <crc32 hex> <json>}; a
 * line torn by a crash fails its checksum and is skipped (its batch was never acknowledged). Not thread-safe: the
 * recorder calls it from one thread.
 */
final class UsageSpool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UsageSpool.class);
    static final String SUFFIX = ".spool";

    private final Path root;
    private final Path dir;
    private final ObjectMapper mapper;
    /** Lenient with fields it does not know: a spool written by a newer version (then rolled back) still replays. */
    private final ObjectReader rowReader;
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel current;
    private Path currentPath;
    private long sequence;
    private volatile long rows;
    private volatile Instant oldest;

    /**
     * Opens the spool in {@code root}, which this process then owns (a file lock). Should another live process own
     * it (two processes given the same directory), this one spools to its own {@code instance-<pid>} subdirectory,
     * which the owner of the root adopts once this process is gone.
     */
    UsageSpool(Path root, ObjectMapper mapper) {
        this.root = root;
        this.mapper = mapper;
        this.rowReader = mapper.readerFor(UsageEvent.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            Files.createDirectories(root);
            Path own = root;
            if (!lock(root)) {
                own = root.resolve("instance-" + ProcessHandle.current().pid());
                Files.createDirectories(own);
                // the root's owner may hold this lock for a moment while it looks for orphans to adopt
                for (int tries = 1; !lock(own); tries++) {
                    if (tries == 50) {
                        throw new IllegalStateException("Cannot lock the usage spool " + own.toAbsolutePath());
                    }
                    sleepQuietly(20);
                }
                LOG.warnf("The usage spool %s is in use by another process; spooling to %s. Give every replica its own"
                        + " tollgate.usage.spool-dir", root.toAbsolutePath(), own.toAbsolutePath());
            }
            this.dir = own;
            adoptOrphans();
            for (Path segment : segments()) {
                List<UsageEvent> events = read(segment);
                rows += events.size();
                if (!events.isEmpty() && oldest == null) {
                    oldest = events.get(0).createdAt();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the usage spool " + root.toAbsolutePath(), e);
        }
    }

    private boolean lock(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve("spool.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            channel.close();
            return false;
        }
        lockChannel = channel;
        lock = acquired;
        return true;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while locking the usage spool", e);
        }
    }

    /** Whether the process an {@code instance-<pid>} directory is named after runs on this host. */
    private static boolean processAlive(Path instance) {
        try {
            long pid = Long.parseLong(instance.getFileName().toString().substring("instance-".length()));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The owner of the root takes over the segments of instance directories whose process is gone. */
    void adoptOrphans() throws IOException {
        if (!dir.equals(root)) {
            return;
        }
        List<Path> instances;
        try (Stream<Path> files = Files.list(root)) {
            instances = files.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("instance-"))
                    .toList();
        }
        for (Path instance : instances) {
            try (FileChannel channel = FileChannel.open(instance.resolve("spool.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock orphan = channel.tryLock();
                if (orphan == null) {
                    continue;
                }
                List<Path> segments;
                try (Stream<Path> files = Files.list(instance)) {
                    segments = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
                }
                for (Path segment : segments) {
                    // keeps its name (time and sequence): replayed in order among ours
                    Path target = dir.resolve(instance.getFileName() + "-" + segment.getFileName());
                    Files.move(segment, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    List<UsageEvent> events = read(target);
                    rows += events.size();
                    if (oldest == null && !events.isEmpty()) {
                        oldest = events.get(0).createdAt();
                    }
                }
                orphan.release();
            } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                LOG.warnf("Usage spool %s not adopted: %s", instance, e.toString());
                continue;
            }
            if (processAlive(instance)) {
                // its process is starting (it made the directory and is about to lock it): deleting the directory or
                // its lock file now would pull them from under it
                continue;
            }
            Files.deleteIfExists(instance.resolve("spool.lock"));
            try {
                Files.deleteIfExists(instance);
            } catch (IOException e) {
                // not empty: left for the next time
            }
        }
    }

    /** Appends the rows and forces them to disk; when this returns they survive a crash. */
    void append(List<UsageEvent> events) throws IOException {
        if (current == null) {
            currentPath = dir.resolve(String.format("usage-%013d-%06d%s", System.currentTimeMillis(), sequence++, SUFFIX));
            current = FileChannel.open(currentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            // the new file's directory entry must be durable too
            forceDirectory();
        }
        StringBuilder lines = new StringBuilder(events.size() * 400);
        for (UsageEvent event : events) {
            lines.append(line(mapper, event));
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            current.write(bytes);
        }
        current.force(false);
        if (rows == 0 && !events.isEmpty()) {
            oldest = events.get(0).createdAt();
        }
        rows += events.size();
    }

    /** Closes the segment being written: the next append starts a new one, and this one can be replayed. */
    void rotate() throws IOException {
        if (current != null) {
            current.close();
            current = null;
            currentPath = null;
        }
    }

    /** Closed segments, oldest first. */
    List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && !p.equals(currentPath)).sorted()
                    .toList();
        }
    }

    List<UsageEvent> read(Path segment) throws IOException {
        List<UsageEvent> events = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                int space = line.indexOf(' ');
                UsageEvent event = null;
                if (space > 0) {
                    String json = line.substring(space + 1);
                    try {
                        if (Long.parseLong(line.substring(0, space), 16) == crc(json)) {
                            event = rowReader.readValue(json);
                        }
                    } catch (NumberFormatException | IOException e) {
                        event = null;
                    }
                }
                if (event == null) {
                    LOG.warnf("Usage spool %s line %d is torn or corrupt; skipped (it was never acknowledged)",
                            segment.getFileName(), number);
                } else {
                    events.add(event);
                }
            }
        }
        return events;
    }

    /** The segment's rows are in PostgreSQL: forget them. */
    void delete(Path segment, int replayed) throws IOException {
        Files.deleteIfExists(segment);
        rows = Math.max(0, rows - replayed);
        if (rows == 0) {
            oldest = null;
        }
    }

    long rows() {
        return rows;
    }

    /** When the oldest spooled row was created, or null when the spool is empty. */
    Instant oldest() {
        return oldest;
    }

    long bytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        rotate();
        lock.release();
        lockChannel.close();
        if (!dir.equals(root) && segments().isEmpty()) {
            Files.deleteIfExists(dir.resolve("spool.lock"));
            Files.deleteIfExists(dir);
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every platform can open a directory; the file's own fsync still holds its data
        }
    }

    /** One spool line: the checksum, the row as JSON, a newline. */
    static String line(ObjectMapper mapper, UsageEvent event) {
        try {
            String json = mapper.writeValueAsString(event);
            return Long.toHexString(crc(json)) + ' ' + json + '\n';
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long crc(String json) {
        CRC32 crc = new CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
