package dev.labfleet.project.fleet;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Project archives kept in PostgreSQL large objects, streamed both ways in chunks of {@link #CHUNK} bytes: never held
 * whole in memory. Written with {@code lo_put} at growing offsets and read with {@code lo_get} ranges, each its own
 * statement (no transaction held open while GNS3 streams, so the pool is not starved by a slow export).
 */
@ApplicationScoped
public class ArchiveStore {

    static final int CHUNK = 1024 * 1024;

    /** A stored archive: its large object's oid and its size in bytes. */
    public record Stored(long oid, long size) {
    }

    private final Pool pool;

    public ArchiveStore(Pool pool) {
        this.pool = pool;
    }

    /** Writes {@code body} into a new large object; on failure the object is unlinked and the failure passed on. */
    public Uni<Stored> save(Multi<Buffer> body) {
        return pool.query("SELECT lo_from_bytea(0, ''::bytea)::bigint AS oid").execute()
                .map(rows -> rows.iterator().next().getLong("oid"))
                .chain(oid -> {
                    long[] written = {0};
                    Buffer[] pending = {Buffer.buffer()};
                    return body
                            .onItem().transformToUniAndConcatenate(chunk -> {
                                pending[0].appendBuffer(chunk);
                                if (pending[0].length() < CHUNK) {
                                    return Uni.createFrom().voidItem();
                                }
                                Buffer full = pending[0];
                                pending[0] = Buffer.buffer();
                                return put(oid, written, full);
                            })
                            .collect().last()
                            .chain(() -> pending[0].length() == 0 ? Uni.createFrom().voidItem()
                                    : put(oid, written, pending[0]))
                            .map(ignored -> new Stored(oid, written[0]))
                            .onFailure().call(e -> unlink(oid).onFailure().recoverWithNull());
                });
    }

    private Uni<Void> put(long oid, long[] written, Buffer data) {
        long offset = written[0];
        written[0] += data.length();
        return pool.preparedQuery("SELECT lo_put(($1::bigint)::oid, $2, $3)")
                .execute(Tuple.of(oid, offset, data.getDelegate())).replaceWithVoid();
    }

    /** The archive's bytes, chunk after chunk, each read when the consumer asks for it. */
    public Multi<Buffer> read(long oid, long size) {
        long chunks = (size + CHUNK - 1) / CHUNK;
        return Multi.createFrom().range(0, (int) chunks)
                .onItem().transformToUniAndConcatenate(i -> pool
                        .preparedQuery("SELECT lo_get(($1::bigint)::oid, $2, $3) AS data")
                        .execute(Tuple.of(oid, (long) i * CHUNK, CHUNK))
                        .map(rows -> rows.iterator().next().getBuffer("data")));
    }

    /** Removes the archive (gone already is fine). */
    public Uni<Void> unlink(long oid) {
        return pool.preparedQuery("SELECT lo_unlink(($1::bigint)::oid) FROM pg_largeobject_metadata "
                + "WHERE oid = ($1::bigint)::oid").execute(Tuple.of(oid)).replaceWithVoid();
    }
}
