package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/** {@code /v2/templates}: the builtin templates as recorded, and custom ones made, changed, copied and deleted. */
final class TemplateHandler {

    private final Gns3Api api;
    private final Map<String, ObjectNode> templates = new LinkedHashMap<>();

    TemplateHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/templates", ctx -> ok(ctx, 200, array(templates.values())));
        r.on(HttpMethod.POST, "/v2/templates", this::createTemplate);
        r.on(HttpMethod.GET, "/v2/templates/:template_id", ctx -> ok(ctx, 200, template(ctx.pathParam("template_id"))));
        r.on(HttpMethod.PUT, "/v2/templates/:template_id", this::updateTemplate);
        r.on(HttpMethod.DELETE, "/v2/templates/:template_id", this::deleteTemplate);
        r.on(HttpMethod.POST, "/v2/templates/:template_id/duplicate", this::duplicateTemplate);
    }

    /** Back to the builtin templates only. */
    void reset() {
        templates.clear();
        for (JsonNode t : api.prototypes.get("templates")) {
            templates.put(t.get("template_id").asText(), t.deepCopy());
        }
    }

    /** The template, or null. */
    ObjectNode find(String id) {
        return templates.get(id);
    }

    private ObjectNode template(String id) {
        ObjectNode t = templates.get(id);
        if (t == null) {
            throw Gns3Error.notFound("Template ID " + id + " doesn't exist");
        }
        return t;
    }

    private void createTemplate(RoutingContext ctx) {
        String route = "/v2/templates";
        ObjectNode body = Requests.body(ctx, route);
        String type = body.get("template_type").asText();
        JsonNode proto = api.prototypes.get("template." + type);
        ObjectNode t = proto != null ? ((ObjectNode) proto).deepCopy()
                : ((ObjectNode) api.prototypes.get("template.vpcs")).deepCopy();
        t.put("template_type", type);
        if (proto == null) {
            t.remove("base_script_file");
            t.put("category", "router");
            t.put("default_name_format", "{name}-{0}");
            t.put("symbol", ":/symbols/router.svg");
        }
        body.fields().forEachRemaining(e -> t.set(e.getKey(), e.getValue()));
        t.put("builtin", false);
        t.put("template_id", UUID.randomUUID().toString());
        templates.put(t.get("template_id").asText(), t);
        api.notifications.controller("template.created", t);
        ok(ctx, 201, t);
    }

    private void updateTemplate(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/templates/{template_id}");
        ObjectNode t = template(ctx.pathParam("template_id"));
        body.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("template_id") && !e.getKey().equals("builtin")) {
                t.set(e.getKey(), e.getValue());
            }
        });
        api.notifications.controller("template.updated", t);
        ok(ctx, 200, t);
    }

    private void deleteTemplate(RoutingContext ctx) {
        String id = ctx.pathParam("template_id");
        ObjectNode t = template(id);
        if (t.path("builtin").asBoolean()) {
            throw Gns3Error.conflict("Template ID " + id + " cannot be deleted because it is a builtin");
        }
        templates.remove(id);
        api.notifications.controller("template.deleted", t);
        noContent(ctx);
    }

    private void duplicateTemplate(RoutingContext ctx) {
        ObjectNode t = template(ctx.pathParam("template_id")).deepCopy();
        if (t.path("builtin").asBoolean()) {
            throw Gns3Error.conflict("Template ID " + t.get("template_id").asText()
                    + " cannot be duplicated because it is a builtin");
        }
        t.put("template_id", UUID.randomUUID().toString());
        templates.put(t.get("template_id").asText(), t);
        api.notifications.controller("template.created", t);
        ok(ctx, 201, t);
    }
}
