package dev.labfleet.project.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.project.service.ProjectState;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab as the API shows it.
 *
 * @param status    {@code opened}, {@code closed} or {@code missing} (gone from its GNS3 server)
 * @param nodeCount live from GNS3 on a single-project read; absent in lists or when the server can't tell
 * @param startPriorities node name -> start priority from the spec last applied to the lab (topology-service);
 *                        staggered starts and stops follow it unless the request gives its own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectView(UUID projectId, String name, String owner, UUID serverId, String status, String description,
                          List<String> tags, boolean autoStart, boolean autoClose, OffsetDateTime createdAt,
                          OffsetDateTime updatedAt, Integer nodeCount, Integer linkCount,
                          Map<String, Integer> startPriorities) {

    public static ProjectView of(ProjectState p) {
        return new ProjectView(p.projectId(), p.name(), p.owner(), p.serverId(), p.status(), p.description(), p.tags(),
                p.autoStart(), p.autoClose(), p.createdAt(), p.updatedAt(), p.nodeCount(), p.linkCount(),
                p.startPriorities());
    }
}
