package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.closedView;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/** {@code /v2/projects/{project_id}/drawings}: shapes and text on a project's canvas. */
final class DrawingHandler {

    private final Gns3Api api;

    DrawingHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/projects/:project_id/drawings", ctx -> {
            Model.Project p = api.projectHandler.project(ctx);
            ok(ctx, 200, array(p.drawings.values().stream().map(d -> closedView(p, d, "project_id")).toList()));
        });
        r.on(HttpMethod.POST, "/v2/projects/:project_id/drawings", this::createDrawing);
        r.on(HttpMethod.GET, "/v2/projects/:project_id/drawings/:drawing_id", ctx -> ok(ctx, 200,
                drawing(api.projectHandler.project(ctx), ctx.pathParam("drawing_id"))));
        r.on(HttpMethod.PUT, "/v2/projects/:project_id/drawings/:drawing_id", this::updateDrawing);
        r.on(HttpMethod.DELETE, "/v2/projects/:project_id/drawings/:drawing_id", this::deleteDrawing);
    }

    private ObjectNode drawing(Model.Project p, String id) {
        ObjectNode d = p.drawings.get(id);
        if (d == null) {
            throw Gns3Error.notFound("Drawing ID " + id + " doesn't exist");
        }
        return d;
    }

    private void createDrawing(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/drawings";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = api.projectHandler.openedProject(ctx);
        ObjectNode d = ((ObjectNode) api.prototypes.get("drawing")).deepCopy();
        d.put("x", 0).put("y", 0).put("z", 0).put("rotation", 0).put("locked", false);
        body.fields().forEachRemaining(e -> {
            if (Requests.described(ctx, route, e.getKey())) {
                d.set(e.getKey(), e.getValue());
            }
        });
        d.put("drawing_id", UUID.randomUUID().toString());
        d.put("project_id", p.id());
        p.drawings.put(d.get("drawing_id").asText(), d);
        api.notifications.project(p.id(), "drawing.created", d);
        ok(ctx, 201, d);
    }

    private void updateDrawing(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/drawings/{drawing_id}";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = api.projectHandler.project(ctx);
        ObjectNode d = drawing(p, ctx.pathParam("drawing_id"));
        body.fields().forEachRemaining(e -> {
            String field = e.getKey();
            if (Requests.described(ctx, route, field) && !field.equals("drawing_id") && !field.equals("project_id")) {
                d.set(e.getKey(), e.getValue());
            }
        });
        api.notifications.project(p.id(), "drawing.updated", d);
        ok(ctx, 201, d);
    }

    private void deleteDrawing(RoutingContext ctx) {
        Model.Project p = api.projectHandler.project(ctx);
        String id = ctx.pathParam("drawing_id");
        ObjectNode d = drawing(p, id);
        if (d.path("locked").asBoolean()) {
            throw Gns3Error.conflict("Drawing ID " + id + " cannot be deleted because it is locked");
        }
        p.drawings.remove(id);
        api.notifications.project(p.id(), "drawing.deleted", d);
        noContent(ctx);
    }
}
