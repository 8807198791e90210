package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.domain.SnapshotRecord;
import dev.labfleet.project.messaging.ProjectEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Snapshots live in GNS3; Labfleet adds who took and restored them, and events. */
@ApplicationScoped
public class SnapshotService {

    private final ProjectService projects;
    private final GatewayClient gateway;
    private final ProjectEvents events;

    public SnapshotService(ProjectService projects, GatewayClient gateway, ProjectEvents events) {
        this.projects = projects;
        this.gateway = gateway;
        this.events = events;
    }

    // No database session is held across a gateway call (see ProjectService): read, call GNS3, then write by id.

    public Uni<List<LabSnapshot>> list(UUID projectId) {
        return projects.find(projectId).chain(p -> gateway.listSnapshots(p.serverId, p.id)
                .chain(gns3 -> Panache.withSession(() -> SnapshotRecord.<SnapshotRecord>list("projectId", projectId))
                        .map(records -> {
                            Map<UUID, SnapshotRecord> byId = records.stream()
                                    .collect(Collectors.toMap(r -> r.id, Function.identity()));
                            List<LabSnapshot> views = new ArrayList<>();
                            for (JsonNode s : gns3) {
                                UUID id = UUID.fromString(s.path("snapshot_id").asText());
                                views.add(view(s, projectId, byId.get(id)));
                            }
                            return views;
                        })));
    }

    public Uni<LabSnapshot> create(UUID projectId, String name, String user) {
        return projects.find(projectId).chain(p -> {
            ObjectNode body = CloudEventCodec.mapper().createObjectNode().put("name", name);
            return gateway.createSnapshot(p.serverId, p.id, body).chain(gns3 -> {
                SnapshotRecord record = new SnapshotRecord();
                record.id = UUID.fromString(gns3.path("snapshot_id").asText());
                record.projectId = projectId;
                record.name = gns3.path("name").asText(name);
                record.createdBy = user;
                record.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                LabSnapshot view = view(gns3, projectId, record);
                return Panache.withTransaction(() -> record.persist()
                                .chain(() -> events.publish(EventTypes.LAB_SNAPSHOT_CREATED, p, json(view))))
                        .replaceWith(view);
            });
        });
    }

    public Uni<ProjectState> restore(UUID projectId, UUID snapshotId, String user) {
        // GNS3 closes and reopens the project on a restore, so the gns3.events consumer may write the lab's row while
        // this transaction does: a clash of versions is retried on a fresh read (as ProjectService.write does).
        return projects.find(projectId).chain(p -> gateway.restoreSnapshot(p.serverId, p.id, snapshotId)
                .chain(gns3 -> Uni.createFrom().deferred(() -> Panache.withTransaction(() -> SnapshotRecord.<SnapshotRecord>findById(snapshotId)
                        .chain(record -> {
                            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                            if (record != null) {
                                record.restoredBy = user;
                                record.restoredAt = now;
                            }
                            // a fresh read of the lab: the gns3.events consumer may have written it meanwhile
                            return Project.<Project>findById(projectId).chain(stored -> {
                                if (stored == null) {
                                    return Uni.createFrom().item(p);
                                }
                                stored.status = ProjectStatus.fromGns3(gns3.path("status").asText("opened"));
                                stored.updatedAt = now;
                                ObjectNode data = CloudEventCodec.mapper().createObjectNode()
                                        .put("projectId", projectId.toString()).put("snapshotId", snapshotId.toString())
                                        .put("restoredBy", user);
                                return events.publish(EventTypes.LAB_SNAPSHOT_RESTORED, stored, data).replaceWith(stored);
                            });
                        })))
                        .onFailure(ProjectService::isOptimisticLock).retry().atMost(3))
                .map(ProjectState::of));
    }

    public Uni<Void> delete(UUID projectId, UUID snapshotId) {
        return projects.find(projectId).chain(p -> gateway.deleteSnapshot(p.serverId, p.id, snapshotId)
                .chain(() -> Panache.withTransaction(() -> SnapshotRecord.deleteById(snapshotId)
                        .chain(() -> events.publish(EventTypes.LAB_SNAPSHOT_DELETED, p,
                                CloudEventCodec.mapper().createObjectNode().put("projectId", projectId.toString())
                                        .put("snapshotId", snapshotId.toString()))))));
    }

    private static LabSnapshot view(JsonNode gns3, UUID projectId, SnapshotRecord record) {
        JsonNode created = gns3.get("created_at");
        OffsetDateTime createdAt = created != null && created.canConvertToLong()
                ? OffsetDateTime.ofInstant(Instant.ofEpochSecond(created.asLong()), ZoneOffset.UTC)
                : record != null ? record.createdAt : null;
        return new LabSnapshot(UUID.fromString(gns3.path("snapshot_id").asText()), projectId,
                gns3.path("name").asText(), createdAt, record == null ? null : record.createdBy,
                record == null ? null : record.restoredAt, record == null ? null : record.restoredBy);
    }

    private static JsonNode json(Object value) {
        return CloudEventCodec.mapper().valueToTree(value);
    }
}
