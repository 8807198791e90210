package dev.labfleet.search.index;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A search document as written to the index. A null field leaves what the index has (events that carry part of an
 * entity, such as a server's health change, update only their part); {@code data} is merged key by key.
 *
 * @param entityId    the entity's own id (node id, lab id...); the document id is {@code kind:entityId}
 * @param text        further searchable text (description, owner, addresses...), weighted below the name
 * @param labels      tags and {@code key=value} labels (facet {@code label})
 * @param templateId  a node's GNS3 template id; the index names its template from the template documents
 * @param nodeRefs    a link's node ids; the index names the link after them
 * @param link        the owning service's resource path
 * @param occurredAt  when the entity last changed (events: when they happened); sorts {@code newest}
 * @param versionTime the time of the event that produced this state: an older one never overwrites it
 */
public record IndexDoc(Kind kind, String entityId, UUID serverId, UUID projectId, String name, String text,
                       String status, String nodeType, String template, UUID templateId, List<String> labels,
                       List<String> nodeRefs, ObjectNode data, String link, OffsetDateTime occurredAt,
                       OffsetDateTime versionTime) {

    public String id() {
        return id(kind, entityId);
    }

    public static String id(Kind kind, String entityId) {
        return kind.wire() + ":" + entityId;
    }
}
