package dev.labfleet.project.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.project.domain.Project;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab as the service layer shows it; also the {@code project} of the {@code lab.project.*} events.
 *
 * @param status          {@code opened}, {@code closed} or {@code missing} (gone from its GNS3 server)
 * @param nodeCount       live from GNS3 on a single-project read; null in lists or when the server can't tell
 * @param startPriorities node name -> start priority from the spec last applied to the lab (topology-service)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectState(UUID projectId, String name, String owner, UUID serverId, String status, String description,
                           List<String> tags, boolean autoStart, boolean autoClose, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt, Integer nodeCount, Integer linkCount,
                           Map<String, Integer> startPriorities) {

    public static ProjectState of(Project p) {
        return of(p, null, null);
    }

    public static ProjectState of(Project p, Integer nodeCount, Integer linkCount) {
        return new ProjectState(p.id, p.name, p.owner, p.serverId, p.status.name().toLowerCase(), p.description,
                p.tags == null ? List.of() : List.of(p.tags), p.autoStart, p.autoClose, p.createdAt, p.updatedAt,
                nodeCount, linkCount, p.priorities().isEmpty() ? null : p.priorities());
    }
}
