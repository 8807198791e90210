package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** .gns3project archives: a zip with project.gns3 and the node files, as GNS3 exports and imports them. */
final class ProjectArchive {

    private ProjectArchive() {
    }

    /**
     * GNS3 before 2.2.60 named a snapshot's archive {@code <name>_<ddmmyy_HHMMSS>.gns3project} (UTC) in
     * {@code snapshots/}; 2.2.60 still reads those when a project carries no {@code snapshots/snapshots.conf}.
     */
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("ddMMyy_HHmmss")
            .withZone(ZoneOffset.UTC);

    static byte[] export(Gns3Api api, Model.Project p) {
        return export(api, p, false);
    }

    /** Where GNS3 2.2.60 lists a project's snapshots (their ids, names, times, descriptions and files). */
    private static final String SNAPSHOTS_CONF = "snapshots/snapshots.conf";

    /**
     * The archive of a project; with {@code includeSnapshots} (GNS3's {@code include_snapshots=yes}) its snapshots go
     * in as GNS3 2.2.60 keeps them on disk: each one's own archive as {@code snapshots/<name>.gns3snapshot} and their
     * list in {@code snapshots/snapshots.conf} (checked against a live 2.2.60 server, docs/real-gns3.md).
     */
    static byte[] export(Gns3Api api, Model.Project p, boolean includeSnapshots) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("project.gns3", api.topologyFile(p).toPrettyString().getBytes(StandardCharsets.UTF_8));
        for (Model.Node n : p.nodes.values()) {
            for (Map.Entry<String, byte[]> f : n.files.entrySet()) {
                entries.put("project-files/" + n.type() + "/" + n.id() + "/" + f.getKey(), f.getValue());
            }
        }
        for (Map.Entry<String, byte[]> f : p.files.entrySet()) {
            if (!f.getKey().startsWith("project-files/captures/")) {
                entries.put(f.getKey(), f.getValue());
            }
        }
        if (includeSnapshots && !p.snapshots.isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode conf = Gns3Api.M.createArrayNode();
            for (Model.Snapshot s : p.snapshots.values()) {
                String file = s.json.path("filename").asText(s.json.get("name").asText() + ".gns3snapshot");
                entries.put("snapshots/" + file, s.archive);
                conf.addObject().put("snapshot_id", s.json.get("snapshot_id").asText())
                        .put("name", s.json.get("name").asText())
                        .put("created_at", s.json.path("created_at").asLong())
                        .put("description", s.json.path("description").asText())
                        .put("filename", file)
                        .put("project_id", p.id());
            }
            entries.put(SNAPSHOTS_CONF, conf.toPrettyString().getBytes(StandardCharsets.UTF_8));
        }
        return zip(entries);
    }

    /** Imports an archive as a new, closed project with new node and link ids. */
    static Model.Project importArchive(Gns3Api api, String projectId, String name, byte[] zip) {
        Map<String, byte[]> entries = unzip(zip);
        if (!entries.containsKey("project.gns3")) {
            throw Gns3Error.conflict("Cannot import project, not a GNS3 project (invalid zip)");
        }
        if (api.projects.containsKey(projectId)) {
            throw Gns3Error.conflict("Project ID " + projectId + " already exists");
        }
        JsonNode file = read(entries.get("project.gns3"));
        String projectName = api.uniqueProjectName(name != null && !name.isBlank() ? name : file.path("name").asText("imported"));
        Model.Project p = api.newProject(projectId, projectName);
        for (String field : new String[] {"auto_close", "auto_open", "auto_start", "scene_height", "scene_width", "zoom",
                "show_layers", "snap_to_grid", "show_grid", "grid_size", "drawing_grid_size", "show_interface_labels",
                "supplier", "variables"}) {
            if (file.has(field)) {
                p.json.set(field, file.get(field));
            }
        }
        restoreInto(api, p, zip, false);
        restoreSnapshots(api, p, entries);
        api.close(p);
        return p;
    }

    /**
     * The snapshots an archive carries. As GNS3 2.2.60 loads them: from {@code snapshots/snapshots.conf} when there is
     * one (each entry whose file is in the archive, under its own id, name, time and description), otherwise from
     * legacy {@code snapshots/<name>_<ddmmyy_HHMMSS>.gns3project} files, under new ids, named and timed by the file name.
     */
    private static void restoreSnapshots(Gns3Api api, Model.Project p, Map<String, byte[]> entries) {
        JsonNode conf = entries.containsKey(SNAPSHOTS_CONF) ? readOrNull(entries.get(SNAPSHOTS_CONF)) : null;
        if (conf != null && conf.isArray() && !conf.isEmpty()) {
            for (JsonNode entry : conf) {
                byte[] data = entries.get("snapshots/" + entry.path("filename").asText());
                if (data == null || !entry.hasNonNull("snapshot_id") || !entry.hasNonNull("name")) {
                    continue; // GNS3 skips an entry without its file
                }
                Model.Snapshot s = new Model.Snapshot();
                s.json = ((ObjectNode) api.prototypes.get("snapshot")).deepCopy();
                s.json.put("snapshot_id", entry.get("snapshot_id").asText());
                s.json.put("project_id", p.id());
                s.json.put("name", entry.get("name").asText());
                s.json.put("filename", entry.path("filename").asText());
                s.json.put("created_at", entry.path("created_at").asLong());
                s.json.put("description", entry.path("description").asText());
                s.archive = data;
                p.snapshots.put(s.json.get("snapshot_id").asText(), s);
            }
            return;
        }
        entries.forEach((path, data) -> {
            if (!path.startsWith("snapshots/") || !path.endsWith(".gns3project")) {
                return;
            }
            String file = path.substring("snapshots/".length(), path.length() - ".gns3project".length());
            int cut = file.length() - "_ddMMyy_HHmmss".length();
            if (cut < 1 || file.charAt(cut) != '_') {
                return;
            }
            String name = file.substring(0, cut);
            Instant at;
            try {
                at = SNAPSHOT_TIME.parse(file.substring(cut + 1), Instant::from);
            } catch (DateTimeParseException e) {
                return;
            }
            Model.Snapshot s = new Model.Snapshot();
            s.json = ((ObjectNode) api.prototypes.get("snapshot")).deepCopy();
            s.json.put("snapshot_id", UUID.randomUUID().toString());
            s.json.put("project_id", p.id());
            s.json.put("name", name);
            s.json.put("filename", name + ".gns3snapshot");
            s.json.put("created_at", at.getEpochSecond());
            s.json.put("description", "Snapshot '" + name + "' taken on "
                    + DateTimeFormatter.ofPattern("yyyy-MM-dd 'at' HH:mm:ss").withZone(ZoneOffset.UTC).format(at));
            s.archive = data;
            p.snapshots.put(s.json.get("snapshot_id").asText(), s);
        });
    }

    /** Rebuilds a project's nodes, links and drawings from an archive; keeps ids when restoring a snapshot. */
    static void restoreInto(Gns3Api api, Model.Project p, byte[] zip, boolean keepIds) {
        Map<String, byte[]> entries = unzip(zip);
        JsonNode topology = read(entries.get("project.gns3")).path("topology");
        Map<String, String> ids = new HashMap<>();
        boolean wasOpened = p.opened();
        p.json.put("status", "opened");
        for (JsonNode node : topology.path("nodes")) {
            String oldId = node.get("node_id").asText();
            String newId = keepIds ? oldId : UUID.randomUUID().toString();
            ids.put(oldId, newId);
            ObjectNode request = ((ObjectNode) node).deepCopy();
            request.put("node_id", newId);
            String template = node.path("template_id").isNull() ? null : node.path("template_id").asText(null);
            Model.Node n = api.newNode(p, node.get("node_type").asText(), template, node.get("name").asText(), request);
            n.json.set("label", node.get("label"));
            String prefix = "project-files/" + n.type() + "/" + oldId + "/";
            entries.forEach((path, data) -> {
                if (path.startsWith(prefix)) {
                    n.files.put(path.substring(prefix.length()), data);
                }
            });
        }
        for (JsonNode link : topology.path("links")) {
            ObjectNode body = ((ObjectNode) link).deepCopy();
            body.put("link_id", keepIds ? link.get("link_id").asText() : UUID.randomUUID().toString());
            for (JsonNode end : body.get("nodes")) {
                ((ObjectNode) end).put("node_id", ids.get(end.get("node_id").asText()));
            }
            Model.Link l = api.newLink(p, body);
            l.json.put("capturing", false);
            // GNS3 2.2 loads a link's filters from the project file, not its suspension (docs/real-gns3.md)
            l.json.put("suspend", false);
        }
        for (JsonNode drawing : topology.path("drawings")) {
            ObjectNode d = ((ObjectNode) drawing).deepCopy();
            d.put("project_id", p.id());
            if (!keepIds) {
                d.put("drawing_id", UUID.randomUUID().toString());
            }
            p.drawings.put(d.get("drawing_id").asText(), d);
        }
        entries.forEach((path, data) -> {
            if (!path.equals("project.gns3") && !path.startsWith("project-files/")) {
                p.files.put(path, data);
            }
        });
        if (!wasOpened) {
            p.json.put("status", "opened");
        }
    }

    private static JsonNode readOrNull(byte[] json) {
        try {
            return Gns3Api.M.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode read(byte[] json) {
        try {
            return Gns3Api.M.readTree(json);
        } catch (IOException e) {
            throw Gns3Error.conflict("Cannot import project, not a GNS3 project (invalid project.gns3)");
        }
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Map<String, byte[]> unzip(byte[] data) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
        return entries;
    }
}
