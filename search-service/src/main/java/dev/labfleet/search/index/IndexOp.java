package dev.labfleet.search.index;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** One change to the index, derived from an event or a reindex. Every op carries the time that orders it. */
public sealed interface IndexOp {

    OffsetDateTime time();

    /** Write (or update) a document unless the index has a newer state of it. */
    record Upsert(IndexDoc doc) implements IndexOp {
        @Override
        public OffsetDateTime time() {
            return doc.versionTime();
        }
    }

    /** Delete a document (a tombstone that keeps older events from bringing it back). */
    record Delete(Kind kind, String entityId, UUID projectId, OffsetDateTime time) implements IndexOp {
    }

    /** A lab is gone: its document and every document of its nodes, links and snapshots (events stay). */
    record DeleteLab(UUID projectId, OffsetDateTime time) implements IndexOp {
    }

    /**
     * A full picture of some of a scope's documents (a GNS3 resync of a lab, a reindex): every document of
     * {@code kinds} in the scope that is not in {@code keep} and older than {@code time} is deleted.
     *
     * @param projectId the lab, or null for fleet-wide kinds (servers, templates, labs)
     */
    record Retain(UUID projectId, Set<Kind> kinds, List<String> keep, OffsetDateTime time) implements IndexOp {
    }

    /** A GNS3 template id and the catalogue name of its template (nodes carry only the id). */
    record TemplateAlias(UUID templateId, String name, OffsetDateTime time) implements IndexOp {
    }
}
