package io.tollgate.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every place a usage row can go, gone at once: PostgreSQL cut (the gateway's connections through a
 * {@link TcpCutter}) and the spool's directory replaced by a file, so that its next segment cannot be created.
 * Closing restores both.
 */
public final class LedgerOutage implements AutoCloseable {

    private final TcpCutter database;
    private final Path spool;
    private final Path away;

    private LedgerOutage(TcpCutter database, Path spool) {
        this.database = database;
        this.spool = spool;
        this.away = spool.resolveSibling(spool.getFileName() + "-away");
    }

    public static LedgerOutage start(TcpCutter database, Path spool) throws IOException {
        LedgerOutage outage = new LedgerOutage(database, spool);
        try {
            database.cut();
            Files.move(spool, outage.away);
            Files.writeString(spool, "not a directory");
        } catch (IOException | RuntimeException e) {
            outage.close();
            throw e;
        }
        return outage;
    }

    @Override
    public void close() throws IOException {
        try {
            if (Files.exists(away)) {
                Files.deleteIfExists(spool);
                Files.move(away, spool);
            }
        } finally {
            database.restore();
        }
    }
}
