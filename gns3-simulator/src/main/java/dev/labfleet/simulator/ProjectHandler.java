package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.decodedTail;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/**
 * {@code /v2/projects}: a project's life (create, change, open, close, load, delete, stats), its files, and its
 * export, import and duplicate.
 */
final class ProjectHandler {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Gns3Api api;

    ProjectHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/projects", ctx -> ok(ctx, 200, array(api.projects.values().stream()
                .map(p -> p.json).toList())));
        r.on(HttpMethod.POST, "/v2/projects", this::createProject);
        r.on(HttpMethod.POST, "/v2/projects/load", this::loadProject);
        r.on(HttpMethod.GET, "/v2/projects/:project_id", ctx -> ok(ctx, 200, project(ctx).json));
        r.on(HttpMethod.PUT, "/v2/projects/:project_id", this::updateProject);
        r.on(HttpMethod.DELETE, "/v2/projects/:project_id", this::deleteProject);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/open", ctx -> ok(ctx, 201, open(project(ctx)).json));
        r.on(HttpMethod.POST, "/v2/projects/:project_id/close", ctx -> {
            close(project(ctx));
            noContent(ctx);
        });
        r.on(HttpMethod.GET, "/v2/projects/:project_id/stats", this::stats);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/duplicate", this::duplicateProject);
        r.on(HttpMethod.GET, "/v2/projects/:project_id/export", this::exportProject);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/import", this::importProject);
        r.onRegex(HttpMethod.GET, "/v2/projects/([^/]+)/files/(.+)", "/v2/projects/{project_id}/files/{path}",
                this::getProjectFile);
        r.onRegex(HttpMethod.POST, "/v2/projects/([^/]+)/files/(.+)", "/v2/projects/{project_id}/files/{path}",
                this::postProjectFile);
    }

    Model.Project project(RoutingContext ctx) {
        return project(ctx.pathParam("project_id") != null ? ctx.pathParam("project_id") : ctx.pathParam("param0"));
    }

    Model.Project project(String id) {
        Model.Project p = api.projects.get(id);
        if (p == null) {
            throw Gns3Error.notFound("Project ID " + id + " doesn't exist");
        }
        return p;
    }

    Model.Project openedProject(RoutingContext ctx) {
        return opened(project(ctx));
    }

    /** GNS3's 403 for work on a closed project. */
    static Model.Project opened(Model.Project p) {
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        return p;
    }

    private void createProject(RoutingContext ctx) {
        String route = "/v2/projects";
        ObjectNode body = Requests.body(ctx, route);
        JsonNode id = body.get("project_id");
        String name = body.get("name").asText();
        String projectId = id != null && id.isTextual() ? id.asText() : UUID.randomUUID().toString();
        if (api.projects.containsKey(projectId)) {
            throw Gns3Error.conflict("Project ID " + projectId + " already exists");
        }
        if (api.projects.values().stream().anyMatch(p -> p.name().equals(name))) {
            throw Gns3Error.conflict("Project \"" + name + "\" already exists");
        }
        Model.Project p = newProject(projectId, name);
        body.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("project_id") && !e.getKey().equals("path")) {
                p.json.set(e.getKey(), e.getValue());
            }
        });
        api.notifications.controller("project.created", p.json);
        ok(ctx, 201, p.json);
    }

    Model.Project newProject(String projectId, String name) {
        Model.Project p = new Model.Project();
        p.json = ((ObjectNode) api.prototypes.get("project")).deepCopy();
        p.json.put("project_id", projectId);
        p.json.put("name", name);
        p.json.put("filename", name + ".gns3");
        p.json.put("path", "/opt/gns3/projects/" + projectId);
        p.json.put("status", "opened");
        p.directories.add("project-files");
        api.projects.put(projectId, p);
        return p;
    }

    private void updateProject(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = project(ctx);
        JsonNode name = body.get("name");
        if (name != null && api.projects.values().stream().anyMatch(o -> o != p && o.name().equals(name.asText()))) {
            throw Gns3Error.conflict("Project \"" + name.asText() + "\" already exists");
        }
        body.fields().forEachRemaining(e -> {
            if (Requests.described(ctx, route, e.getKey()) && !e.getKey().equals("path")) {
                p.json.set(e.getKey(), e.getValue());
            }
        });
        api.notifications.controller("project.updated", p.json);
        ok(ctx, 200, p.json);
    }

    private void deleteProject(RoutingContext ctx) {
        Model.Project p = project(ctx);
        if (!p.opened()) {
            open(p);
        }
        close(p);
        api.projects.remove(p.id());
        api.notifications.controller("project.deleted", p.json);
        noContent(ctx);
    }

    Model.Project open(Model.Project p) {
        if (!p.opened()) {
            NodeHandler nodes = api.nodeHandler;
            p.json.put("status", "opened");
            for (Model.Node n : p.nodes.values()) {
                nodes.allocateConsole(n);
                if (NodeHandler.hasProcess(n)) {
                    n.json.put("command_line", ""); // created again on the compute, not run yet
                }
                api.notifications.project(p.id(), "node.created", n.json);
            }
            for (Model.Link l : p.links.values()) {
                // GNS3 2.2 opens a project from its file, which keeps a link's filters but not its suspension
                l.json.put("suspend", false);
            }
            api.notifications.controller("project.opened", p.json);
            // GNS3 then reports its VPCS as updated (09-notifications.json), not its switches, hubs and clouds.
            for (Model.Node n : p.nodes.values()) {
                if (NodeHandler.hasProcess(n)) {
                    api.notifications.project(p.id(), "node.updated", n.json);
                }
            }
        }
        return p;
    }

    void close(Model.Project p) {
        if (!p.opened()) {
            return;
        }
        NodeHandler nodes = api.nodeHandler;
        for (Model.Node n : p.nodes.values()) {
            if (n.started() && NodeHandler.isStoppable(n)) {
                nodes.setStatus(p, n, "stopped");
            } else if (NodeHandler.hasProcess(n) && !n.json.path("command_line").asText().isEmpty()) {
                // a node that ran since the project opened is reported once more as it is closed (09-notifications)
                api.notifications.project(p.id(), "node.updated", n.json);
            }
            nodes.releaseConsole(n);
        }
        for (Model.Link l : p.links.values()) {
            LinkHandler.endPcap(l);
        }
        p.json.put("status", "closed");
        api.notifications.controller("project.closed", p.json);
    }

    private void loadProject(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/projects/load");
        String path = body.get("path").asText();
        for (Model.Project p : api.projects.values()) {
            if (path.startsWith(p.json.get("path").asText() + "/")) {
                ok(ctx, 201, open(p).json);
                return;
            }
        }
        throw Gns3Error.notFound("Cannot open project " + path);
    }

    private void stats(RoutingContext ctx) {
        Model.Project p = project(ctx);
        // as GNS3 2.2: a closed project has nothing loaded, so it counts no nodes, links or drawings
        boolean closed = "closed".equals(p.json.path("status").asText());
        ok(ctx, 200, F.objectNode().put("drawings", closed ? 0 : p.drawings.size())
                .put("links", closed ? 0 : p.links.size()).put("nodes", closed ? 0 : p.nodes.size())
                .put("snapshots", p.snapshots.size()));
    }

    // ------------------------------------------------------------------ files

    private void getProjectFile(RoutingContext ctx) {
        Model.Project p = project(ctx.pathParam("param0"));
        String path = decodedTail(ctx, 1);
        if (path.contains("..")) {
            throw new Gns3Error(403, "403: Forbidden");
        }
        if (path.equals(p.json.get("filename").asText())) {
            ctx.response().putHeader("content-type", "application/octet-stream").end(topologyFile(p).toString());
            return;
        }
        byte[] file = p.files.get(path);
        if (file == null) {
            throw Gns3Error.notFound("404: Not Found");
        }
        ctx.response().putHeader("content-type", path.endsWith(".pcap") ? "application/vnd.tcpdump.pcap"
                : "application/octet-stream").end(Buffer.buffer(file));
    }

    private void postProjectFile(RoutingContext ctx) {
        Model.Project p = project(ctx.pathParam("param0"));
        String path = decodedTail(ctx, 1);
        if (path.contains("..")) {
            throw new Gns3Error(403, "403: Forbidden");
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0 && !p.directories.contains(path.substring(0, slash))) {
            throw Gns3Error.notFound("404: Not Found");
        }
        p.files.put(path, ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        ctx.response().setStatusCode(201).putHeader("content-type", "application/octet-stream").end();
    }

    // ------------------------------------------------------------------ export, import, duplicate

    private void exportProject(RoutingContext ctx) {
        Model.Project p = project(ctx);
        // GNS3 2.2 reads the flag as "yes" (anything else is no)
        boolean snapshots = "yes".equalsIgnoreCase(ctx.queryParams().get("include_snapshots"));
        byte[] zip = ProjectArchive.export(api, p, snapshots);
        ctx.response().putHeader("content-type", "application/gns3project")
                .putHeader("content-disposition", "attachment; filename=\"" + p.name() + ".gns3project\"")
                .end(Buffer.buffer(zip));
    }

    private void importProject(RoutingContext ctx) {
        String id = ctx.pathParam("project_id");
        byte[] zip = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String name = ctx.queryParams().get("name");
        Model.Project p = ProjectArchive.importArchive(api, id, name, zip);
        ok(ctx, 201, p.json);
    }

    private void duplicateProject(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/projects/{project_id}/duplicate");
        Model.Project source = project(ctx);
        byte[] zip = ProjectArchive.export(api, source);
        String id = body.hasNonNull("project_id") ? body.get("project_id").asText() : UUID.randomUUID().toString();
        Model.Project copy = ProjectArchive.importArchive(api, id, body.get("name").asText(), zip);
        copy.json.put("auto_close", false);
        ok(ctx, 201, copy.json);
    }

    /** The .gns3 file of a project: its topology as GNS3 writes it. */
    ObjectNode topologyFile(Model.Project p) {
        ObjectNode file = p.json.deepCopy();
        file.remove(List.of("filename", "path", "status"));
        file.put("revision", 9);
        file.put("type", "topology");
        file.put("version", Gns3Api.VERSION);
        ObjectNode topology = F.objectNode();
        topology.set("computes", F.arrayNode());
        topology.set("drawings", array(p.drawings.values().stream().map(d -> only(d, DRAWING_FILE_FIELDS)).toList()));
        topology.set("links", array(p.links.values().stream().map(l -> {
            ObjectNode link = only(l.json, LINK_FILE_FIELDS);
            link.set("nodes", array(java.util.stream.StreamSupport.stream(l.json.path("nodes").spliterator(), false)
                    .map(end -> only((ObjectNode) end, LINK_END_FILE_FIELDS)).toList()));
            return link;
        }).toList()));
        topology.set("nodes", array(p.nodes.values().stream().map(n -> only(n.json, NODE_FILE_FIELDS)).toList()));
        file.set("topology", topology);
        return file;
    }

    /*
     * What GNS3 2.2 writes of a node, a link and a drawing into project.gns3 (their __json__(topology_dump=True)):
     * a live GNS3 refuses to open a project whose file carries more (a node's "ports" is read-only there: the open
     * fails with a 500), so an archive exported here must be one a real server can import and open.
     */
    private static final List<String> NODE_FILE_FIELDS = List.of("compute_id", "node_id", "node_type", "template_id",
            "name", "console", "console_type", "console_auto_start", "properties", "label", "x", "y", "z", "locked",
            "width", "height", "symbol", "port_name_format", "port_segment_size", "first_port_name", "custom_adapters");
    private static final List<String> LINK_FILE_FIELDS = List.of("link_id", "filters", "link_style", "suspend");
    private static final List<String> LINK_END_FILE_FIELDS = List.of("node_id", "adapter_number", "port_number", "label");
    private static final List<String> DRAWING_FILE_FIELDS = List.of("drawing_id", "x", "y", "z", "locked", "rotation",
            "svg");

    private static ObjectNode only(ObjectNode source, List<String> fields) {
        ObjectNode copy = F.objectNode();
        for (String field : fields) {
            if (source.has(field)) {
                copy.set(field, source.get(field).deepCopy());
            }
        }
        return copy;
    }

    String uniqueProjectName(String name) {
        String candidate = name;
        for (int i = 1; api.projects.values().stream().map(Model.Project::name).anyMatch(candidate::equals); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }
}
