package dev.labfleet.topology.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.topology.domain.NodeLabels;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Node labels per project. Writes run inside the caller's transaction. */
@ApplicationScoped
public class NodeLabelsRepository implements PanacheRepositoryBase<NodeLabels, NodeLabels.Key> {

    private static final TypeReference<LinkedHashMap<String, String>> LABELS = new TypeReference<>() {
    };

    /** Every labelled node of a project: node id -> labels. */
    @WithSession
    public Uni<Map<UUID, Map<String, String>>> forProject(UUID projectId) {
        return list("projectId", projectId).map(rows -> {
            Map<UUID, Map<String, String>> out = new HashMap<>();
            rows.forEach(row -> out.put(row.nodeId, parse(row.labels)));
            return out;
        });
    }

    /** One node's labels, empty when it has none. */
    @WithSession
    public Uni<Map<String, String>> forNode(UUID projectId, UUID nodeId) {
        return findById(new NodeLabels.Key(projectId, nodeId)).map(row -> row == null ? Map.of() : parse(row.labels));
    }

    /** Replaces a node's labels (none: removes the row). Call inside a transaction. */
    public Uni<Void> replace(UUID projectId, UUID nodeId, Map<String, String> labels) {
        return findById(new NodeLabels.Key(projectId, nodeId)).chain(row -> {
            if (labels == null || labels.isEmpty()) {
                return row == null ? Uni.createFrom().voidItem() : delete(row);
            }
            NodeLabels target = row == null ? new NodeLabels() : row;
            target.projectId = projectId;
            target.nodeId = nodeId;
            target.labels = write(labels);
            target.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return row == null ? persist(target).replaceWithVoid() : Uni.createFrom().voidItem();
        });
    }

    /** Forgets a node's labels. Call inside a transaction. */
    public Uni<Void> remove(UUID projectId, UUID nodeId) {
        return delete("projectId = ?1 and nodeId = ?2", projectId, nodeId).replaceWithVoid();
    }

    private static Map<String, String> parse(String json) {
        try {
            return CloudEventCodec.mapper().readValue(json, LABELS);
        } catch (IOException e) {
            throw new UncheckedIOException("node labels are not a JSON object", e);
        }
    }

    private static String write(Map<String, String> labels) {
        try {
            return CloudEventCodec.mapper().writeValueAsString(new LinkedHashMap<>(labels));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
