package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/** {@code /v2/projects/{project_id}/snapshots}: a stopped project's topology saved, listed, restored and deleted. */
final class SnapshotHandler {

    private final Gns3Api api;

    SnapshotHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/projects/:project_id/snapshots", ctx -> ok(ctx, 200,
                array(api.projectHandler.project(ctx).snapshots.values().stream().map(s -> s.json).toList())));
        r.on(HttpMethod.POST, "/v2/projects/:project_id/snapshots", this::createSnapshot);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/snapshots/:snapshot_id/restore", this::restoreSnapshot);
        r.on(HttpMethod.DELETE, "/v2/projects/:project_id/snapshots/:snapshot_id", ctx -> {
            Model.Project p = api.projectHandler.project(ctx);
            if (p.snapshots.remove(ctx.pathParam("snapshot_id")) == null) {
                throw Gns3Error.notFound("Snapshot ID " + ctx.pathParam("snapshot_id") + " doesn't exist");
            }
            noContent(ctx);
        });
    }

    private void createSnapshot(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/projects/{project_id}/snapshots");
        Model.Project p = api.projectHandler.openedProject(ctx);
        JsonNode requested = body.get("name");
        if (p.snapshots.values().stream().anyMatch(s -> s.json.get("name").equals(requested))) {
            throw Gns3Error.conflict("The snapshot name " + requested.asText() + " already exists");
        }
        if (!requested.isTextual()) {
            // the documented input gives the name no type, yet GNS3 cannot name a snapshot with anything else: a crash
            throw Gns3Error.internal();
        }
        String name = requested.asText();
        if (p.nodes.values().stream().anyMatch(n -> n.started() && NodeHandler.hasProcess(n))) {
            throw Gns3Error.conflict("Project must be stopped in order to export it");
        }
        Instant now = Instant.now();
        Model.Snapshot s = new Model.Snapshot();
        s.json = ((ObjectNode) api.prototypes.get("snapshot")).deepCopy();
        s.json.put("snapshot_id", UUID.randomUUID().toString());
        s.json.put("project_id", p.id());
        s.json.put("name", name);
        s.json.put("filename", name + ".gns3snapshot");
        s.json.put("created_at", now.getEpochSecond());
        s.json.put("description", "Snapshot '" + name + "' taken on "
                + DateTimeFormatter.ofPattern("yyyy-MM-dd 'at' HH:mm:ss").withZone(ZoneOffset.UTC).format(now));
        s.archive = ProjectArchive.export(api, p);
        p.snapshots.put(s.json.get("snapshot_id").asText(), s);
        ok(ctx, 201, s.json);
    }

    private void restoreSnapshot(RoutingContext ctx) {
        Model.Project p = api.projectHandler.project(ctx);
        Model.Snapshot s = p.snapshots.get(ctx.pathParam("snapshot_id"));
        if (s == null) {
            throw Gns3Error.notFound("Snapshot ID " + ctx.pathParam("snapshot_id") + " doesn't exist");
        }
        api.projectHandler.close(p);
        for (Model.Node n : List.copyOf(p.nodes.values())) {
            api.nodeHandler.releaseConsole(n);
        }
        p.nodes.clear();
        p.links.clear();
        p.drawings.clear();
        ProjectArchive.restoreInto(api, p, s.archive, true);
        api.notifications.controller("project.opened", p.json);
        ok(ctx, 201, p.json);
    }
}
