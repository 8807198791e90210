package dev.labfleet.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the fleet's events into index ops. The documents are shaped from what each topic carries:
 * <ul>
 *   <li>{@code gns3.events}: GNS3's own node and link objects (a rename on GNS3 is a {@code gns3.node.updated}),
 *       a lab's whole picture on {@code gns3.project.resynced}, a server's health and load;</li>
 *   <li>{@code lab.projects}: project-service's lab view, snapshots;</li>
 *   <li>{@code lab.topology}: nodes with their Labfleet labels, links, applies;</li>
 *   <li>{@code lab.automation} and {@code lab.monitoring}: {@code lab.<area>.<entity>-<verb>} (or
 *       {@code .<entity>.<verb>}) with the entity's view as data: scripts, workflows, executions, anomalies,
 *       incidents; a {@code deleted} verb removes it.</li>
 * </ul>
 * Every {@code lab.*} event is also an event document ("what happened, when, to what").
 */
public final class DocumentMapper {

    private DocumentMapper() {
    }

    public static List<IndexOp> map(CloudEvent event) {
        List<IndexOp> ops = new ArrayList<>();
        if (event == null || event.type() == null) {
            return ops;
        }
        OffsetDateTime time = event.time() == null ? OffsetDateTime.now(ZoneOffset.UTC) : event.time();
        JsonNode data = event.data() == null ? CloudEventCodec.mapper().createObjectNode() : event.data();
        String type = event.type();
        if (type.startsWith(EventTypes.GNS3_PREFIX)) {
            gns3(type.substring(EventTypes.GNS3_PREFIX.length()), event, data, time, ops);
        } else if (type.startsWith("lab.project.")) {
            project(type, event, data, time, ops);
        } else if (type.startsWith("lab.topology.")) {
            topology(type, event, data, time, ops);
        } else if (type.startsWith("lab.automation.") || type.startsWith("lab.monitoring.")) {
            entity(type, event, data, time, ops);
        }
        if (type.startsWith("lab.")) {
            ops.add(new IndexOp.Upsert(eventDoc(event, data, time)));
        }
        return ops;
    }

    // ---------------------------------------------------------------- gns3.events

    private static void gns3(String action, CloudEvent event, JsonNode data, OffsetDateTime time, List<IndexOp> ops) {
        UUID serverId = serverOf(event, data);
        switch (action) {
            case "node.created", "node.updated" -> {
                IndexDoc node = gns3Node(data, serverId, time);
                if (node != null) {
                    ops.add(new IndexOp.Upsert(node));
                }
            }
            case "node.deleted" -> {
                String nodeId = text(data, "node_id");
                if (nodeId != null) {
                    ops.add(new IndexOp.Delete(Kind.NODE, nodeId, uuid(text(data, "project_id")), time));
                }
            }
            case "link.created", "link.updated" -> {
                IndexDoc link = gns3Link(data, serverId, time);
                if (link != null) {
                    ops.add(new IndexOp.Upsert(link));
                }
            }
            case "link.deleted" -> {
                String linkId = text(data, "link_id");
                if (linkId != null) {
                    ops.add(new IndexOp.Delete(Kind.LINK, linkId, uuid(text(data, "project_id")), time));
                }
            }
            case "project.resynced" -> resync(data, serverId, time, ops);
            case "server.health-changed" -> {
                String id = text(data, "serverId");
                if (id != null) {
                    ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
                    copy(data, extra, "latencyMs", "error");
                    extra.put("statusAt", time.toString());
                    String status = text(data, "status");
                    ops.add(new IndexOp.Upsert(new IndexDoc(Kind.SERVER, id, uuid(id), null, text(data, "name"),
                            text(data, "url"), status == null ? null : status.toLowerCase(Locale.ROOT), null, null,
                            null, null, null, extra, "/api/v1/servers/" + id, time, time)));
                }
            }
            case "compute.updated" -> {
                if (serverId != null && data.has("cpu_usage_percent")) {
                    ObjectNode load = CloudEventCodec.mapper().createObjectNode();
                    copy(data, load, "cpu_usage_percent", "memory_usage_percent");
                    load.put("loadAt", time.toString());
                    // a partial update: it must not count as the server's latest full state, so it is stamped
                    // with its own time but changes only the load figures
                    ops.add(new IndexOp.Upsert(new IndexDoc(Kind.SERVER, serverId.toString(), serverId, null, null,
                            null, null, null, null, null, null, null, load, "/api/v1/servers/" + serverId, time, time)));
                }
            }
            default -> {
                // project notifications are followed through project-service's lab.projects events
            }
        }
    }

    static IndexDoc gns3Node(JsonNode node, UUID serverId, OffsetDateTime time) {
        String nodeId = text(node, "node_id");
        UUID projectId = uuid(text(node, "project_id"));
        if (nodeId == null || projectId == null) {
            return null;
        }
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        copy(node, extra, "console", "console_type", "console_host", "compute_id");
        List<String> text = new ArrayList<>();
        text.add(text(node, "console_host"));
        JsonNode properties = node.path("properties");
        for (String key : List.of("mac_address", "image", "hda_disk_image", "startup_script", "platform")) {
            String v = text(properties, key);
            if (v != null && v.length() <= 200) {
                text.add(v);
            }
        }
        return new IndexDoc(Kind.NODE, nodeId, serverId, projectId, text(node, "name"), join(text),
                text(node, "status"), text(node, "node_type"), null, uuid(text(node, "template_id")), null, null,
                extra, "/api/v1/projects/" + projectId + "/nodes/" + nodeId, time, time);
    }

    static IndexDoc gns3Link(JsonNode link, UUID serverId, OffsetDateTime time) {
        String linkId = text(link, "link_id");
        UUID projectId = uuid(text(link, "project_id"));
        if (linkId == null || projectId == null) {
            return null;
        }
        List<String> refs = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (JsonNode end : link.path("nodes")) {
            String n = text(end, "node_id");
            if (n != null) {
                refs.add(n);
            }
            String label = text(end.path("label"), "text");
            ports.add(label != null ? label : text(end, "port_name"));
        }
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        extra.set("nodes", link.path("nodes").deepCopy());
        copy(link, extra, "link_type", "suspend", "capturing");
        String status = link.path("suspend").asBoolean(false) ? "suspended" : "active";
        return new IndexDoc(Kind.LINK, linkId, serverId, projectId, null, join(ports), status,
                text(link, "link_type"), null, null, null, refs, extra,
                "/api/v1/projects/" + projectId + "/links/" + linkId, time, time);
    }

    private static void resync(JsonNode data, UUID serverId, OffsetDateTime time, List<IndexOp> ops) {
        UUID projectId = uuid(text(data.path("project"), "project_id"));
        if (projectId == null) {
            return;
        }
        List<String> keep = new ArrayList<>();
        for (JsonNode node : data.path("nodes")) {
            IndexDoc doc = gns3Node(node, serverId, time);
            if (doc != null) {
                ops.add(new IndexOp.Upsert(doc));
                keep.add(doc.id());
            }
        }
        for (JsonNode link : data.path("links")) {
            IndexDoc doc = gns3Link(link, serverId, time);
            if (doc != null) {
                ops.add(new IndexOp.Upsert(doc));
                keep.add(doc.id());
            }
        }
        ops.add(new IndexOp.Retain(projectId, Set.of(Kind.NODE, Kind.LINK), keep, time));
    }

    // ---------------------------------------------------------------- lab.projects

    private static void project(String type, CloudEvent event, JsonNode data, OffsetDateTime time, List<IndexOp> ops) {
        UUID projectId = uuid(firstText(data, "projectId", "project_id"));
        if (projectId == null) {
            projectId = uuid(event.subject());
        }
        if (projectId == null) {
            return;
        }
        switch (type) {
            case EventTypes.LAB_PROJECT_DELETED -> {
                ops.add(new IndexOp.Delete(Kind.LAB, projectId.toString(), projectId, time));
                ops.add(new IndexOp.DeleteLab(projectId, time));
            }
            case EventTypes.LAB_SNAPSHOT_CREATED -> {
                String snapshotId = text(data, "snapshotId");
                if (snapshotId != null) {
                    ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
                    copy(data, extra, "createdBy", "createdAt");
                    ops.add(new IndexOp.Upsert(new IndexDoc(Kind.SNAPSHOT, snapshotId, null, projectId,
                            text(data, "name"), text(data, "createdBy"), "created", null, null, null, null, null, extra,
                            "/api/v1/projects/" + projectId + "/snapshots", time(data, "createdAt", time), time)));
                }
            }
            case EventTypes.LAB_SNAPSHOT_DELETED -> {
                String snapshotId = text(data, "snapshotId");
                if (snapshotId != null) {
                    ops.add(new IndexOp.Delete(Kind.SNAPSHOT, snapshotId, projectId, time));
                }
            }
            case EventTypes.LAB_SNAPSHOT_RESTORED, EventTypes.LAB_PROJECT_STARTED, EventTypes.LAB_PROJECT_STOPPED -> {
                // their data is the snapshot or the operation, not the lab: only the event document
            }
            default -> {
                if (data.has("name")) {
                    ops.add(new IndexOp.Upsert(lab(data, time)));
                }
            }
        }
    }

    /** A lab from project-service's view (its events' data and its API's items). */
    public static IndexDoc lab(JsonNode view, OffsetDateTime time) {
        String id = text(view, "projectId");
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : view.path("tags")) {
            tags.add(tag.asText());
        }
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        copy(view, extra, "owner", "autoStart", "autoClose", "createdAt");
        return new IndexDoc(Kind.LAB, id, uuid(text(view, "serverId")), uuid(id), text(view, "name"),
                join(List.of(nullToEmpty(text(view, "owner")), nullToEmpty(text(view, "description")))),
                text(view, "status"), null, null, null, tags, null, extra, "/api/v1/projects/" + id,
                time(view, "updatedAt", time), time);
    }

    // ---------------------------------------------------------------- lab.topology

    private static void topology(String type, CloudEvent event, JsonNode data, OffsetDateTime time, List<IndexOp> ops) {
        switch (type) {
            case EventTypes.LAB_NODE_CREATED, EventTypes.LAB_NODE_UPDATED -> {
                IndexDoc node = topologyNode(data, null, time);
                if (node != null) {
                    ops.add(new IndexOp.Upsert(node));
                }
            }
            case EventTypes.LAB_NODE_DELETED -> {
                String nodeId = text(data, "node_id");
                if (nodeId != null) {
                    ops.add(new IndexOp.Delete(Kind.NODE, nodeId, uuid(text(data, "project_id")), time));
                }
            }
            case EventTypes.LAB_LINK_CREATED, EventTypes.LAB_LINK_UPDATED -> {
                IndexDoc link = topologyLink(data, null, time);
                if (link != null) {
                    ops.add(new IndexOp.Upsert(link));
                }
            }
            case EventTypes.LAB_LINK_DELETED -> {
                String linkId = text(data, "link_id");
                if (linkId != null) {
                    ops.add(new IndexOp.Delete(Kind.LINK, linkId, uuid(text(data, "project_id")), time));
                }
            }
            default -> {
                // applies are event documents only
            }
        }
    }

    /** A node from topology-service's view: GNS3's fields (snake_case) and the Labfleet labels. */
    public static IndexDoc topologyNode(JsonNode view, UUID serverId, OffsetDateTime time) {
        IndexDoc base = gns3Node(view, serverId, time);
        if (base == null) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        List<String> text = new ArrayList<>();
        text.add(base.text());
        Iterator<Map.Entry<String, JsonNode>> fields = view.path("labels").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> label = fields.next();
            labels.add(label.getKey() + "=" + label.getValue().asText());
            text.add(label.getValue().asText());
        }
        return new IndexDoc(base.kind(), base.entityId(), base.serverId(), base.projectId(), base.name(), join(text),
                base.status(), base.nodeType(), null, base.templateId(), view.has("labels") ? labels : null, null,
                base.data(), base.link(), time, time);
    }

    /** A link from topology-service's view: its ends carry node names and port names. */
    public static IndexDoc topologyLink(JsonNode view, UUID serverId, OffsetDateTime time) {
        String linkId = text(view, "link_id");
        UUID projectId = uuid(text(view, "project_id"));
        if (linkId == null || projectId == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        for (JsonNode end : view.path("nodes")) {
            names.add(text(end, "node_name"));
            ports.add(text(end, "port_name"));
            String n = text(end, "node_id");
            if (n != null) {
                refs.add(n);
            }
        }
        boolean named = names.stream().allMatch(n -> n != null) && !names.isEmpty();
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        extra.set("nodes", view.path("nodes").deepCopy());
        copy(view, extra, "link_type", "suspend", "capturing");
        String status = view.path("suspend").asBoolean(false) ? "suspended" : "active";
        return new IndexDoc(Kind.LINK, linkId, serverId, projectId, named ? String.join(" - ", names) : null,
                join(ports), status, text(view, "link_type"), null, null, null, named ? null : refs, extra,
                "/api/v1/projects/" + projectId + "/links/" + linkId, time, time);
    }

    // ---------------------------------------------------------------- lab.automation, lab.monitoring

    private static void entity(String type, CloudEvent event, JsonNode data, OffsetDateTime time, List<IndexOp> ops) {
        String[] parts = type.split("\\.");
        if (parts.length < 3) {
            return;
        }
        String entity;
        String verb;
        if (parts.length >= 4) {
            entity = parts[2];
            verb = parts[3];
        } else {
            int dash = parts[2].indexOf('-');
            entity = dash < 0 ? parts[2] : parts[2].substring(0, dash);
            verb = dash < 0 ? "" : parts[2].substring(parts[2].lastIndexOf('-') + 1);
        }
        boolean automation = type.startsWith("lab.automation.");
        Kind kind;
        String id;
        if (automation && text(data, "executionId") != null) {
            // a script's or a workflow's run (execution-started/-finished, workflow-step-finished, workflow-finished)
            kind = Kind.EXECUTION;
            id = text(data, "executionId");
        } else {
            kind = Kind.parse(entity).orElse(null);
            Set<Kind> allowed = automation ? Set.of(Kind.SCRIPT, Kind.WORKFLOW, Kind.EXECUTION)
                    : Set.of(Kind.ANOMALY, Kind.INCIDENT);
            if (kind == null || !allowed.contains(kind)) {
                return; // e.g. node-finished: an event document only
            }
            id = firstText(data, entity + "Id", entity + "_id", "id");
            if (id == null) {
                id = event.subject();
            }
        }
        if (id == null) {
            return;
        }
        UUID projectId = uuid(firstText(data, "projectId", "project_id"));
        if (verb.equals("deleted") || verb.equals("removed")) {
            ops.add(new IndexOp.Delete(kind, id, projectId, time));
            return;
        }
        IndexDoc doc = entityDoc(kind, id, data, time);
        if (doc.status() == null && verb.equals("started")) {
            doc = new IndexDoc(doc.kind(), doc.entityId(), doc.serverId(), doc.projectId(), doc.name(), doc.text(),
                    "running", doc.nodeType(), doc.template(), doc.templateId(), doc.labels(), doc.nodeRefs(),
                    doc.data(), doc.link(), doc.occurredAt(), doc.versionTime());
        }
        ops.add(new IndexOp.Upsert(doc));
    }

    /**
     * A script, workflow, execution, anomaly or incident from its service's view: {@code name} (or {@code title},
     * {@code scriptName}...), {@code status} (or {@code state}), {@code severity} as a label, its project and server.
     */
    public static IndexDoc entityDoc(Kind kind, String id, JsonNode data, OffsetDateTime time) {
        UUID projectId = uuid(firstText(data, "projectId", "project_id"));
        String name = firstText(data, "name", "title", "scriptName", "workflowName", "summary");
        List<String> labels = new ArrayList<>();
        String severity = text(data, "severity");
        if (severity != null) {
            labels.add("severity=" + severity.toLowerCase(Locale.ROOT));
        }
        for (JsonNode tag : data.path("tags")) {
            labels.add(tag.asText());
        }
        String status = firstText(data, "runStatus", "status", "state");
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        copy(data, extra, "severity", "startedAt", "finishedAt", "nodeId", "metric", "value", "scriptId",
                "workflowId", "counts", "step");
        String link = switch (kind) {
            case ANOMALY -> "/api/v1/anomalies/" + id;
            case INCIDENT -> "/api/v1/incidents/" + id;
            case EXECUTION -> "/api/v1/executions/" + id;
            case SCRIPT -> "/api/v1/scripts/" + id;
            case WORKFLOW -> "/api/v1/workflows/" + id;
            default -> null;
        };
        return new IndexDoc(kind, id, uuid(firstText(data, "serverId", "server_id")), projectId, name,
                join(List.of(nullToEmpty(text(data, "description")), nullToEmpty(text(data, "message")),
                        nullToEmpty(text(data, "nodeName")))),
                status == null ? null : status.toLowerCase(Locale.ROOT), null, null, null, labels, null, extra, link,
                time(data, "updatedAt", time), time);
    }

    // ---------------------------------------------------------------- event documents

    private static IndexDoc eventDoc(CloudEvent event, JsonNode data, OffsetDateTime time) {
        UUID projectId = uuid(firstText(data, "projectId", "project_id"));
        if (projectId == null && event.type().startsWith("lab.project.")) {
            projectId = uuid(event.subject());
        }
        String what = firstText(data, "name", "node_name", "title", "summary");
        String verb = event.type().substring(event.type().lastIndexOf('.') + 1);
        ObjectNode extra = CloudEventCodec.mapper().createObjectNode();
        extra.put("type", event.type());
        if (event.subject() != null) {
            extra.put("subject", event.subject());
        }
        extra.put("source", event.source().toString());
        String name = event.type() + (what == null ? "" : " " + what);
        return new IndexDoc(Kind.EVENT, eventKey(event), uuid(firstText(data, "serverId", "server_id")), projectId,
                name, join(List.of(verb, nullToEmpty(event.subject()))), verb, null, null, null, List.of(), null,
                extra, projectId == null ? null : "/api/v1/projects/" + projectId, time, time);
    }

    /** Unique per event (CloudEvents ids are unique per source). */
    static String eventKey(CloudEvent event) {
        URI source = event.source();
        return UUID.nameUUIDFromBytes((source + "\n" + event.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    // ---------------------------------------------------------------- helpers

    private static UUID serverOf(CloudEvent event, JsonNode data) {
        String source = event.source() == null ? "" : event.source().toString();
        String prefix = "urn:labfleet:gns3-server:";
        if (source.startsWith(prefix)) {
            return uuid(source.substring(prefix.length()));
        }
        return uuid(text(data, "serverId"));
    }

    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = text(node, f);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    static UUID uuid(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static OffsetDateTime time(JsonNode node, String field, OffsetDateTime fallback) {
        String v = text(node, field);
        if (v == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(v);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            JsonNode v = from.get(f);
            if (v != null && !v.isNull()) {
                to.set(f, v);
            }
        }
    }

    private static String join(List<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(p);
            }
        }
        return sb.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
