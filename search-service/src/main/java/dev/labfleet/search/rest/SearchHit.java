package dev.labfleet.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One hit.
 *
 * @param id         the entity's id in its owning service (node id, lab id...)
 * @param link       the entity's resource in its owning service, e.g. {@code /api/v1/projects/{projectId}/nodes/{nodeId}}
 * @param score      relevance (PostgreSQL's {@code ts_rank}, name matches weigh most); absent without words
 * @param highlights matched fields with the matches in {@code <mark>...</mark>}
 * @param fields     a few of the entity's own fields (console, owner, severity...), as its service names them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchHit(String kind, String id, String name, String status, UUID serverId, UUID projectId,
                        String nodeType, String template, List<String> labels, OffsetDateTime occurredAt, String link,
                        Float score, Map<String, String> highlights, Map<String, Object> fields) {

    public static Map<String, Object> fields(JsonObject data) {
        return data == null || data.isEmpty() ? null : data.getMap();
    }
}
