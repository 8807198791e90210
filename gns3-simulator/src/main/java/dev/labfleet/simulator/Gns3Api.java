package dev.labfleet.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** The GNS3 v2 REST surface, answered from {@link Model} on one event loop. */
final class Gns3Api {

    static final ObjectMapper M = new ObjectMapper();
    static final String VERSION = "2.2.60.dev1";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Request bodies, once Python's rules accepted them: NaN and Infinity included. */
    private static final ObjectReader BODY_READER = M.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    private static final RequestBodies BODIES = new RequestBodies();
    /** The request body as parsed before the handler runs (routing-context key). */
    private static final String JSON = "gns3.json";
    private static final System.Logger LOG = System.getLogger(Gns3Api.class.getName());
    private static final List<String> FILTERS = List.of("frequency_drop", "packet_loss", "delay", "corrupt", "bpf");
    private static final String TRACEBACK = "Traceback (most recent call last):\n"
            + "  File \"/usr/lib/python3/dist-packages/gns3server/web/route.py\", line 242, in control_schema\n"
            + "    response = await func(request, response)\n"
            + "  File \"/usr/lib/python3/dist-packages/gns3server/handlers/api/controller/node_handler.py\", line 81,"
            + " in create\n    node = await project.add_node(compute, request.json.pop(\"name\"))\n"
            + "RuntimeError: simulated failure\n";

    private final Vertx vertx;
    private final JsonNode prototypes;
    private final Faults faults;
    private final RequestCounts counts;
    private final Notifications notifications;
    private VpcsConsoles consoles;
    final Map<String, Model.Project> projects = new LinkedHashMap<>();
    final Map<String, ObjectNode> templates = new LinkedHashMap<>();
    private final TreeSet<Integer> consolePorts = new TreeSet<>();
    /** No console port below this one is free. */
    private int consoleHint = 5000;
    private int runningNodes;
    /** Started nodes per compute id (their cpu and memory usage follow). */
    private final Map<String, Integer> runningPerCompute = new LinkedHashMap<>();
    private final List<String> computeIds = new ArrayList<>(List.of("local"));

    Gns3Api(Vertx vertx, Faults faults, RequestCounts counts, Notifications notifications) {
        this.vertx = vertx;
        this.faults = faults;
        this.counts = counts;
        this.notifications = notifications;
        try (var in = Gns3Api.class.getResourceAsStream("prototypes.json")) {
            this.prototypes = M.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reset();
    }

    /** Consoles of started VPCS nodes listen on {@code host}. */
    void consolesOn(String host) {
        this.consoles = new VpcsConsoles(vertx, this, host);
    }

    VpcsConsoles consoles() {
        return consoles;
    }

    /** Runs {@code answer} once the consoles of the nodes just started listen. */
    private void consolesSettled(Runnable answer) {
        if (consoles == null) {
            answer.run();
        } else {
            consoles.settled().onComplete(done -> answer.run());
        }
    }

    void reset() {
        if (consoles != null) {
            consoles.closeAll();
        }
        projects.clear();
        templates.clear();
        consolePorts.clear();
        consoleHint = 5000;
        runningNodes = 0;
        runningPerCompute.clear();
        for (JsonNode t : prototypes.get("templates")) {
            templates.put(t.get("template_id").asText(), t.deepCopy());
        }
    }

    int runningNodes() {
        return runningNodes;
    }

    /** The computes: {@code local}, then {@code compute2}, {@code compute3}… up to {@code count}. */
    void computes(int count) {
        computeIds.clear();
        computeIds.add("local");
        for (int i = 2; i <= count; i++) {
            computeIds.add("compute" + i);
        }
    }

    List<String> computeIds() {
        return computeIds;
    }

    ObjectNode compute() {
        return compute("local");
    }

    /** A compute as GNS3 lists it; its cpu and memory usage rise with the nodes started on it. */
    ObjectNode compute(String id) {
        ObjectNode compute = ((ObjectNode) prototypes.get("computes").get(0)).deepCopy();
        int running = runningPerCompute.getOrDefault(id, 0);
        compute.put("compute_id", id);
        if (!id.equals("local")) {
            compute.put("name", id);
        }
        compute.put("cpu_usage_percent", Math.min(100.0, 2.0 + running * 0.8));
        compute.put("memory_usage_percent", Math.min(100.0, 4.5 + running * 0.2));
        return compute;
    }

    // ------------------------------------------------------------------ routing

    Router router() {
        Router router = Router.router(vertx);
        router.route("/v2/*").handler(BodyHandler.create().setBodyLimit(512L * 1024 * 1024));
        on(router, HttpMethod.GET, "/v2/version", ctx -> ok(ctx, 200, F.objectNode().put("local", true).put("version", VERSION)));
        on(router, HttpMethod.POST, "/v2/version", this::checkVersion);
        on(router, HttpMethod.GET, "/v2/computes", ctx -> ok(ctx, 200, array(computeIds.stream().map(this::compute).toList())));
        on(router, HttpMethod.GET, "/v2/computes/:compute_id", ctx -> ok(ctx, 200, computeOr404(ctx)));
        on(router, HttpMethod.GET, "/v2/computes/:compute_id/ports", this::ports);
        on(router, HttpMethod.GET, "/v2/computes/:compute_id/:emulator/images", ctx -> {
            computeOr404(ctx);
            ok(ctx, 200, "qemu".equals(ctx.pathParam("emulator")) ? prototypes.get("qemu_images") : F.arrayNode());
        });
        on(router, HttpMethod.GET, "/v2/statistics", ctx -> ok(ctx, 200, prototypes.get("statistics")));
        on(router, HttpMethod.GET, "/v2/gns3vm", ctx -> ok(ctx, 200, prototypes.get("gns3vm")));
        on(router, HttpMethod.GET, "/v2/gns3vm/engines", ctx -> ok(ctx, 200, prototypes.get("gns3vm_engines")));
        on(router, HttpMethod.GET, "/v2/iou_license", ctx -> ok(ctx, 200, prototypes.get("iou_license")));
        on(router, HttpMethod.GET, "/v2/appliances", ctx -> ok(ctx, 200, prototypes.get("appliances")));
        on(router, HttpMethod.GET, "/v2/symbols", ctx -> ok(ctx, 200, prototypes.get("symbols")));
        on(router, HttpMethod.GET, "/v2/default_symbols", ctx -> ok(ctx, 200, prototypes.get("default_symbols")));
        router.routeWithRegex(HttpMethod.GET, "/v2/symbols/(.+)/raw").handler(ctx -> guarded(ctx, "/v2/symbols/{symbol_id}/raw",
                c -> c.response().putHeader("content-type", "image/svg+xml").end(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"65\" height=\"59\"/>")));
        router.routeWithRegex(HttpMethod.GET, "/v2/symbols/(.+)/dimensions").handler(ctx -> guarded(ctx,
                "/v2/symbols/{symbol_id}/dimensions", c -> ok(c, 200, prototypes.get("symbol_dimensions"))));

        on(router, HttpMethod.GET, "/v2/templates", ctx -> ok(ctx, 200, array(templates.values())));
        on(router, HttpMethod.POST, "/v2/templates", this::createTemplate);
        on(router, HttpMethod.GET, "/v2/templates/:template_id", ctx -> ok(ctx, 200, template(ctx.pathParam("template_id"))));
        on(router, HttpMethod.PUT, "/v2/templates/:template_id", this::updateTemplate);
        on(router, HttpMethod.DELETE, "/v2/templates/:template_id", this::deleteTemplate);
        on(router, HttpMethod.POST, "/v2/templates/:template_id/duplicate", this::duplicateTemplate);

        on(router, HttpMethod.GET, "/v2/projects", ctx -> ok(ctx, 200, array(projects.values().stream().map(p -> p.json).toList())));
        on(router, HttpMethod.POST, "/v2/projects", this::createProject);
        on(router, HttpMethod.POST, "/v2/projects/load", this::loadProject);
        on(router, HttpMethod.GET, "/v2/projects/:project_id", ctx -> ok(ctx, 200, project(ctx).json));
        on(router, HttpMethod.PUT, "/v2/projects/:project_id", this::updateProject);
        on(router, HttpMethod.DELETE, "/v2/projects/:project_id", this::deleteProject);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/open", ctx -> ok(ctx, 201, open(project(ctx)).json));
        on(router, HttpMethod.POST, "/v2/projects/:project_id/close", ctx -> {
            close(project(ctx));
            noContent(ctx);
        });
        on(router, HttpMethod.GET, "/v2/projects/:project_id/stats", this::stats);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/duplicate", this::duplicateProject);
        on(router, HttpMethod.GET, "/v2/projects/:project_id/export", this::exportProject);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/import", this::importProject);
        router.routeWithRegex(HttpMethod.GET, "/v2/projects/([^/]+)/files/(.+)").handler(ctx -> guarded(ctx,
                "/v2/projects/{project_id}/files/{path}", this::getProjectFile));
        router.routeWithRegex(HttpMethod.POST, "/v2/projects/([^/]+)/files/(.+)").handler(ctx -> guarded(ctx,
                "/v2/projects/{project_id}/files/{path}", this::postProjectFile));

        on(router, HttpMethod.GET, "/v2/projects/:project_id/drawings", ctx -> {
            Model.Project p = project(ctx);
            ok(ctx, 200, array(p.drawings.values().stream().map(d -> closedView(p, d, "project_id")).toList()));
        });
        on(router, HttpMethod.POST, "/v2/projects/:project_id/drawings", this::createDrawing);
        on(router, HttpMethod.GET, "/v2/projects/:project_id/drawings/:drawing_id", ctx -> ok(ctx, 200, drawing(project(ctx), ctx.pathParam("drawing_id"))));
        on(router, HttpMethod.PUT, "/v2/projects/:project_id/drawings/:drawing_id", this::updateDrawing);
        on(router, HttpMethod.DELETE, "/v2/projects/:project_id/drawings/:drawing_id", this::deleteDrawing);

        on(router, HttpMethod.GET, "/v2/projects/:project_id/snapshots", ctx -> ok(ctx, 200,
                array(project(ctx).snapshots.values().stream().map(s -> s.json).toList())));
        on(router, HttpMethod.POST, "/v2/projects/:project_id/snapshots", this::createSnapshot);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/snapshots/:snapshot_id/restore", this::restoreSnapshot);
        on(router, HttpMethod.DELETE, "/v2/projects/:project_id/snapshots/:snapshot_id", ctx -> {
            Model.Project p = project(ctx);
            if (p.snapshots.remove(ctx.pathParam("snapshot_id")) == null) {
                throw Gns3Error.notFound("Snapshot ID " + ctx.pathParam("snapshot_id") + " doesn't exist");
            }
            noContent(ctx);
        });

        on(router, HttpMethod.GET, "/v2/projects/:project_id/nodes", ctx -> {
            Model.Project p = project(ctx);
            ok(ctx, 200, array(p.nodes.values().stream().map(n -> closedView(p, n.json, CLOSED_NODE_HIDDEN)).toList()));
        });
        on(router, HttpMethod.POST, "/v2/projects/:project_id/nodes", this::createNode);
        for (String action : List.of("start", "stop", "suspend", "reload")) {
            on(router, HttpMethod.POST, "/v2/projects/:project_id/nodes/" + action, ctx -> {
                Model.Project p = openedProject(ctx);
                for (Model.Node n : List.copyOf(p.nodes.values())) {
                    nodeAction(p, n, action);
                }
                consolesSettled(() -> noContent(ctx));
            });
            on(router, HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/" + action, ctx -> {
                Model.Project p = openedProject(ctx);
                Model.Node n = node(p, ctx.pathParam("node_id"));
                nodeAction(p, n, action);
                consolesSettled(() -> ok(ctx, 200, n.json));
            });
        }
        on(router, HttpMethod.GET, "/v2/projects/:project_id/nodes/:node_id", ctx -> {
            Model.Project p = project(ctx);
            ok(ctx, 200, closedView(p, node(p, ctx.pathParam("node_id")).json, CLOSED_NODE_HIDDEN));
        });
        on(router, HttpMethod.PUT, "/v2/projects/:project_id/nodes/:node_id", this::updateNode);
        on(router, HttpMethod.DELETE, "/v2/projects/:project_id/nodes/:node_id", this::deleteNode);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/duplicate", this::duplicateNode);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/console/reset", ctx -> {
            node(openedProject(ctx), ctx.pathParam("node_id"));
            noContent(ctx);
        });
        on(router, HttpMethod.GET, "/v2/projects/:project_id/nodes/:node_id/links", ctx -> {
            Model.Project p = project(ctx);
            String nodeId = node(p, ctx.pathParam("node_id")).id();
            ok(ctx, 200, array(p.links.values().stream().filter(l -> touches(l, nodeId)).map(l -> l.json).toList()));
        });
        router.routeWithRegex(HttpMethod.GET, "/v2/projects/([^/]+)/nodes/([^/]+)/files/(.+)").handler(ctx -> guarded(ctx,
                "/v2/projects/{project_id}/nodes/{node_id}/files/{path}", this::getNodeFile));
        router.routeWithRegex(HttpMethod.POST, "/v2/projects/([^/]+)/nodes/([^/]+)/files/(.+)").handler(ctx -> guarded(ctx,
                "/v2/projects/{project_id}/nodes/{node_id}/files/{path}", this::postNodeFile));
        on(router, HttpMethod.POST, "/v2/projects/:project_id/templates/:template_id", this::createNodeFromTemplate);

        on(router, HttpMethod.GET, "/v2/projects/:project_id/links", ctx -> ok(ctx, 200, array(project(ctx).links.values().stream().map(l -> l.json).toList())));
        on(router, HttpMethod.POST, "/v2/projects/:project_id/links", this::createLink);
        on(router, HttpMethod.GET, "/v2/projects/:project_id/links/:link_id", ctx -> ok(ctx, 200, link(project(ctx), ctx.pathParam("link_id")).json));
        on(router, HttpMethod.PUT, "/v2/projects/:project_id/links/:link_id", this::updateLink);
        on(router, HttpMethod.DELETE, "/v2/projects/:project_id/links/:link_id", this::deleteLink);
        on(router, HttpMethod.GET, "/v2/projects/:project_id/links/:link_id/available_filters", this::availableFilters);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/links/:link_id/start_capture", this::startCapture);
        on(router, HttpMethod.POST, "/v2/projects/:project_id/links/:link_id/stop_capture", this::stopCapture);
        on(router, HttpMethod.GET, "/v2/projects/:project_id/links/:link_id/pcap", this::pcap);

        router.errorHandler(404, ctx -> text(ctx, 404, "404: Not Found"));
        router.errorHandler(405, ctx -> text(ctx, 405, "405: Method Not Allowed"));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() instanceof Gns3Error e) {
                error(ctx, e);
            } else {
                internalError(ctx, ctx.failure());
            }
        });
        return router;
    }

    private void on(Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
        String template = path.replaceAll(":([a-z_]+)", "{$1}");
        // GNS3 parses every API body as JSON before its handler runs, whether the route reads it or not (uploads aside)
        boolean raw = path.endsWith("/import");
        router.route(method, path).handler(ctx -> guarded(ctx, template, raw ? handler : c -> {
            c.put(JSON, json(c, template));
            handler.handle(c);
        }));
    }

    /** Counts the request, applies injected faults, and turns Gns3Errors into GNS3's error bodies. */
    private void guarded(RoutingContext ctx, String template, Handler<RoutingContext> handler) {
        String method = ctx.request().method().name();
        counts.record(method, template);
        String key = method + " " + ctx.request().path();
        if (faults.hangs(key)) {
            return; // never answered; the client's timeout is the test
        }
        if (faults.fails(key)) {
            ObjectNode body = F.objectNode().put("message", TRACEBACK).put("status", 500);
            ctx.response().setStatusCode(500).putHeader("content-type", "application/json").end(body.toString());
            return;
        }
        Runnable run = () -> {
            try {
                handler.handle(ctx);
            } catch (Gns3Error e) {
                error(ctx, e);
            } catch (RuntimeException e) {
                // also on a latency timer, where no router would catch it
                internalError(ctx, e);
            }
        };
        long latency = faults.latencyFor(key);
        if (latency > 0) {
            vertx.setTimer(latency, id -> run.run());
        } else {
            run.run();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The fields of a compute's node object, as recorded for a VPCS in the first node.deleted of 09-notifications. */
    private static final String[] COMPUTE_NODE_FIELDS = {"command_line", "console", "console_type", "name",
            "node_directory", "node_id", "project_id", "status"};

    /** What GNS3 leaves out of a closed project's objects: it reads them from the .gns3 file. */
    private static final String[] CLOSED_NODE_HIDDEN = {"command_line", "console_host", "node_directory", "ports",
            "project_id", "status"};

    private static JsonNode closedView(Model.Project p, ObjectNode json, String... hidden) {
        if (p.opened()) {
            return json;
        }
        ObjectNode view = json.deepCopy();
        view.remove(List.of(hidden));
        return view;
    }

    static void ok(RoutingContext ctx, int status, JsonNode body) {
        if (ctx.response().ended()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = M.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(Buffer.buffer(bytes));
    }

    static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    static void text(RoutingContext ctx, int status, String text) {
        ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(text);
    }

    static void error(RoutingContext ctx, Gns3Error e) {
        if (ctx.response().ended()) {
            return;
        }
        ObjectNode body = e.body != null ? e.body : F.objectNode().put("message", e.getMessage()).put("status", e.status);
        ok(ctx, e.status, body);
    }

    /** A simulator bug answers GNS3's 500 shape; the Java exception goes to the log, never to the client. */
    private static void internalError(RoutingContext ctx, Throwable failure) {
        LOG.log(System.Logger.Level.ERROR, ctx.request().method() + " " + ctx.request().path() + " failed", failure);
        error(ctx, Gns3Error.internal());
    }

    private static ArrayNode array(Iterable<? extends JsonNode> items) {
        ArrayNode array = F.arrayNode();
        items.forEach(array::add);
        return array;
    }

    /**
     * The request body checked before the handler runs: malformed JSON (in Python's words) and bodies
     * request-bodies.json refuses for this method and route are 400s with the route template, method and request, as
     * GNS3 answers them. No body is {}.
     */
    private static ObjectNode body(RoutingContext ctx, String template) {
        JsonNode json = ctx.get(JSON);
        if (json == null) {
            json = json(ctx, template);
        }
        String problem = BODIES.problem(route(ctx, template), json);
        if (problem != null) {
            throw schema(ctx, template, json, problem);
        }
        return (ObjectNode) json; // every described body is an object
    }

    private static String route(RoutingContext ctx, String template) {
        return ctx.request().method().name() + " " + template;
    }

    /** Whether this route's body may carry {@code field}; the fields it accepts without knowing them are ignored. */
    private static boolean described(RoutingContext ctx, String template, String field) {
        return BODIES.describes(route(ctx, template), field);
    }

    private static JsonNode json(RoutingContext ctx, String template) {
        String raw = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        return raw.isEmpty() ? F.objectNode() : parse(ctx, template, raw);
    }

    /** Python's json module decides what is malformed (GNS3 parses with it); Jackson then reads what it accepted. */
    private static JsonNode parse(RoutingContext ctx, String template, String raw) {
        String error;
        try {
            error = PyJson.error(raw);
        } catch (PyJson.TooDeep e) {
            throw Gns3Error.internal(); // GNS3 fails with RecursionError
        }
        if (error == null) {
            try {
                return BODY_READER.readTree(raw);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // beyond Jackson's limits (nesting, number length): GNS3 fails too
            }
        }
        ObjectNode body = F.objectNode();
        body.put("message", "Invalid JSON " + error);
        body.put("method", ctx.request().method().name());
        body.put("path", template);
        body.set("request", F.objectNode().put("malformed_json", raw));
        body.put("status", 400);
        throw new Gns3Error(400, body.get("message").asText(), body);
    }

    /** A JSON-schema error as GNS3 words it. */
    private static Gns3Error schema(RoutingContext ctx, String template, JsonNode request, String detail) {
        // str() of the data, as GNS3 formats it: repr() but for a bare string
        String data = request.isTextual() ? request.asText() : PyRepr.of(request);
        String message = "JSON schema error with API request '" + ctx.request().path() + "' and JSON data '" + data
                + "': " + detail;
        ObjectNode body = F.objectNode();
        body.put("message", message);
        body.put("method", ctx.request().method().name());
        body.put("path", template);
        body.set("request", request);
        body.put("status", 400);
        return new Gns3Error(400, message, body);
    }

    private ObjectNode computeOr404(RoutingContext ctx) {
        String id = ctx.pathParam("compute_id");
        if (!computeIds.contains(id)) {
            throw Gns3Error.notFound("Compute ID " + id + " doesn't exist");
        }
        return compute(id);
    }

    private void ports(RoutingContext ctx) {
        computeOr404(ctx);
        ObjectNode body = F.objectNode();
        body.set("console_port_range", F.arrayNode().add(5000).add(10000));
        body.set("console_ports", array(consolePorts.stream().map(F::numberNode).toList()));
        body.set("udp_port_range", F.arrayNode().add(20000).add(30000));
        body.set("udp_ports", F.arrayNode());
        ok(ctx, 200, body);
    }

    private void checkVersion(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/version");
        String version = body.get("version").asText();
        if (!VERSION.equals(version)) {
            throw Gns3Error.conflict("Client version " + version + " is not the same as server version " + VERSION);
        }
        ok(ctx, 200, F.objectNode().put("version", VERSION));
    }

    // ------------------------------------------------------------------ templates

    private ObjectNode template(String id) {
        ObjectNode t = templates.get(id);
        if (t == null) {
            throw Gns3Error.notFound("Template ID " + id + " doesn't exist");
        }
        return t;
    }

    private void createTemplate(RoutingContext ctx) {
        String route = "/v2/templates";
        ObjectNode body = body(ctx, route);
        String type = body.get("template_type").asText();
        JsonNode proto = prototypes.get("template." + type);
        ObjectNode t = proto != null ? ((ObjectNode) proto).deepCopy() : ((ObjectNode) prototypes.get("template.vpcs")).deepCopy();
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
        notifications.controller("template.created", t);
        ok(ctx, 201, t);
    }

    private void updateTemplate(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/templates/{template_id}");
        ObjectNode t = template(ctx.pathParam("template_id"));
        body.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("template_id") && !e.getKey().equals("builtin")) {
                t.set(e.getKey(), e.getValue());
            }
        });
        notifications.controller("template.updated", t);
        ok(ctx, 200, t);
    }

    private void deleteTemplate(RoutingContext ctx) {
        String id = ctx.pathParam("template_id");
        ObjectNode t = template(id);
        if (t.path("builtin").asBoolean()) {
            throw Gns3Error.conflict("Template ID " + id + " cannot be deleted because it is a builtin");
        }
        templates.remove(id);
        notifications.controller("template.deleted", t);
        noContent(ctx);
    }

    private void duplicateTemplate(RoutingContext ctx) {
        ObjectNode t = template(ctx.pathParam("template_id")).deepCopy();
        if (t.path("builtin").asBoolean()) {
            throw Gns3Error.conflict("Template ID " + t.get("template_id").asText() + " cannot be duplicated because it is a builtin");
        }
        t.put("template_id", UUID.randomUUID().toString());
        templates.put(t.get("template_id").asText(), t);
        notifications.controller("template.created", t);
        ok(ctx, 201, t);
    }

    // ------------------------------------------------------------------ projects

    Model.Project project(RoutingContext ctx) {
        return project(ctx.pathParam("project_id") != null ? ctx.pathParam("project_id") : ctx.pathParam("param0"));
    }

    Model.Project project(String id) {
        Model.Project p = projects.get(id);
        if (p == null) {
            throw Gns3Error.notFound("Project ID " + id + " doesn't exist");
        }
        return p;
    }

    private Model.Project openedProject(RoutingContext ctx) {
        Model.Project p = project(ctx);
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        return p;
    }

    private void createProject(RoutingContext ctx) {
        String route = "/v2/projects";
        ObjectNode body = body(ctx, route);
        JsonNode id = body.get("project_id");
        String name = body.get("name").asText();
        String projectId = id != null && id.isTextual() ? id.asText() : UUID.randomUUID().toString();
        if (projects.containsKey(projectId)) {
            throw Gns3Error.conflict("Project ID " + projectId + " already exists");
        }
        if (projects.values().stream().anyMatch(p -> p.name().equals(name))) {
            throw Gns3Error.conflict("Project \"" + name + "\" already exists");
        }
        Model.Project p = newProject(projectId, name);
        body.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("project_id") && !e.getKey().equals("path")) {
                p.json.set(e.getKey(), e.getValue());
            }
        });
        notifications.controller("project.created", p.json);
        ok(ctx, 201, p.json);
    }

    Model.Project newProject(String projectId, String name) {
        Model.Project p = new Model.Project();
        p.json = ((ObjectNode) prototypes.get("project")).deepCopy();
        p.json.put("project_id", projectId);
        p.json.put("name", name);
        p.json.put("filename", name + ".gns3");
        p.json.put("path", "/opt/gns3/projects/" + projectId);
        p.json.put("status", "opened");
        p.directories.add("project-files");
        projects.put(projectId, p);
        return p;
    }

    private void updateProject(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        JsonNode name = body.get("name");
        if (name != null && projects.values().stream().anyMatch(o -> o != p && o.name().equals(name.asText()))) {
            throw Gns3Error.conflict("Project \"" + name.asText() + "\" already exists");
        }
        body.fields().forEachRemaining(e -> {
            if (described(ctx, route, e.getKey()) && !e.getKey().equals("path")) {
                p.json.set(e.getKey(), e.getValue());
            }
        });
        notifications.controller("project.updated", p.json);
        ok(ctx, 200, p.json);
    }

    private void deleteProject(RoutingContext ctx) {
        Model.Project p = project(ctx);
        if (!p.opened()) {
            open(p);
        }
        close(p);
        projects.remove(p.id());
        notifications.controller("project.deleted", p.json);
        noContent(ctx);
    }

    Model.Project open(Model.Project p) {
        if (!p.opened()) {
            p.json.put("status", "opened");
            for (Model.Node n : p.nodes.values()) {
                allocateConsole(n);
                if (hasProcess(n)) {
                    n.json.put("command_line", ""); // created again on the compute, not run yet
                }
                notifications.project(p.id(), "node.created", n.json);
            }
            notifications.controller("project.opened", p.json);
            // GNS3 then reports its VPCS as updated (09-notifications.json), not its switches, hubs and clouds.
            for (Model.Node n : p.nodes.values()) {
                if (hasProcess(n)) {
                    notifications.project(p.id(), "node.updated", n.json);
                }
            }
        }
        return p;
    }

    void close(Model.Project p) {
        if (!p.opened()) {
            return;
        }
        for (Model.Node n : p.nodes.values()) {
            if (n.started() && isStoppable(n)) {
                setStatus(p, n, "stopped");
            } else if (hasProcess(n) && !n.json.path("command_line").asText().isEmpty()) {
                // a node that ran since the project opened is reported once more as it is closed (09-notifications)
                notifications.project(p.id(), "node.updated", n.json);
            }
            releaseConsole(n);
        }
        for (Model.Link l : p.links.values()) {
            endPcap(l);
        }
        p.json.put("status", "closed");
        notifications.controller("project.closed", p.json);
    }

    private void loadProject(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/projects/load");
        String path = body.get("path").asText();
        for (Model.Project p : projects.values()) {
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

    private static String decodedTail(RoutingContext ctx, int group) {
        return URLDecoder.decode(ctx.pathParam("param" + group), StandardCharsets.UTF_8);
    }

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

    private void getNodeFile(RoutingContext ctx) {
        Model.Project p = project(ctx.pathParam("param0"));
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        Model.Node n = node(p, ctx.pathParam("param1"));
        String path = decodedTail(ctx, 2);
        byte[] file = n.files.get(path);
        if (file == null) {
            throw Gns3Error.notFound("GET /projects/" + p.id() + "/files/project-files/" + n.type() + "/" + n.id()
                    + "/" + path + " not found");
        }
        ctx.response().putHeader("content-type", "application/octet-stream").end(Buffer.buffer(file));
    }

    private void postNodeFile(RoutingContext ctx) {
        Model.Project p = project(ctx.pathParam("param0"));
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        Model.Node n = node(p, ctx.pathParam("param1"));
        n.files.put(decodedTail(ctx, 2), ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        ctx.response().setStatusCode(201).putHeader("content-type", "application/octet-stream").end();
    }

    // ------------------------------------------------------------------ drawings

    private ObjectNode drawing(Model.Project p, String id) {
        ObjectNode d = p.drawings.get(id);
        if (d == null) {
            throw Gns3Error.notFound("Drawing ID " + id + " doesn't exist");
        }
        return d;
    }

    private void createDrawing(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/drawings";
        ObjectNode body = body(ctx, route);
        Model.Project p = openedProject(ctx);
        ObjectNode d = ((ObjectNode) prototypes.get("drawing")).deepCopy();
        d.put("x", 0).put("y", 0).put("z", 0).put("rotation", 0).put("locked", false);
        body.fields().forEachRemaining(e -> {
            if (described(ctx, route, e.getKey())) {
                d.set(e.getKey(), e.getValue());
            }
        });
        d.put("drawing_id", UUID.randomUUID().toString());
        d.put("project_id", p.id());
        p.drawings.put(d.get("drawing_id").asText(), d);
        notifications.project(p.id(), "drawing.created", d);
        ok(ctx, 201, d);
    }

    private void updateDrawing(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/drawings/{drawing_id}";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        ObjectNode d = drawing(p, ctx.pathParam("drawing_id"));
        body.fields().forEachRemaining(e -> {
            String field = e.getKey();
            if (described(ctx, route, field) && !field.equals("drawing_id") && !field.equals("project_id")) {
                d.set(e.getKey(), e.getValue());
            }
        });
        notifications.project(p.id(), "drawing.updated", d);
        ok(ctx, 201, d);
    }

    private void deleteDrawing(RoutingContext ctx) {
        Model.Project p = project(ctx);
        String id = ctx.pathParam("drawing_id");
        ObjectNode d = drawing(p, id);
        if (d.path("locked").asBoolean()) {
            throw Gns3Error.conflict("Drawing ID " + id + " cannot be deleted because it is locked");
        }
        p.drawings.remove(id);
        notifications.project(p.id(), "drawing.deleted", d);
        noContent(ctx);
    }

    // ------------------------------------------------------------------ nodes

    Model.Node node(Model.Project p, String id) {
        Model.Node n = p.nodes.get(id);
        if (n == null) {
            throw Gns3Error.notFound("Node ID " + id + " doesn't exist");
        }
        return n;
    }

    private void createNode(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/nodes";
        ObjectNode body = body(ctx, route);
        // GNS3 looks the compute up before the project
        if (!computeIds.contains(body.get("compute_id").asText())) {
            throw Gns3Error.notFound("Compute ID " + body.get("compute_id").asText() + " doesn't exist");
        }
        Model.Project p = project(ctx);
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        String type = body.get("node_type").asText();
        Model.Node n = newNode(p, type, null, body.get("name").asText(), body);
        ok(ctx, 201, n.json);
    }

    private void createNodeFromTemplate(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/templates/{template_id}";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        ObjectNode t = templates.get(ctx.pathParam("template_id"));
        if (t == null) {
            throw Gns3Error.notFound("Template " + ctx.pathParam("template_id") + " doesn't exist");
        }
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        if (body.hasNonNull("compute_id") && !computeIds.contains(body.get("compute_id").asText())) {
            throw Gns3Error.notFound("Compute ID " + body.get("compute_id").asText() + " doesn't exist");
        }
        String type = t.get("template_type").asText();
        String format = t.path("default_name_format").asText("{name}-{0}").replace("{name}", t.get("name").asText());
        String name = freeName(p, format.replace("{0}", ""), null);
        ObjectNode props = F.objectNode();
        // as GNS3 does, the template's settings become the node's properties (adapters, ram, ports_mapping...)
        ObjectNode settings = F.objectNode();
        t.fields().forEachRemaining(f -> {
            if (!TEMPLATE_ONLY.contains(f.getKey())) {
                settings.set(f.getKey(), f.getValue());
            }
        });
        if (!settings.isEmpty()) {
            props.set("properties", settings);
        }
        body.fields().forEachRemaining(e -> {
            if (described(ctx, route, e.getKey())) {
                props.set(e.getKey(), e.getValue());
            }
        });
        Model.Node n = newNode(p, type, t.get("template_id").asText(), name, props);
        if (type.equals("vpcs")) {
            n.files.put("startup.vpc", prototypes.get("startup_vpc_template").asText()
                    .replace("PC2", n.name()).getBytes(StandardCharsets.UTF_8));
        }
        ok(ctx, 201, n.json);
    }

    /** Template fields that describe the template, not the nodes made from it. */
    private static final java.util.Set<String> TEMPLATE_ONLY = java.util.Set.of("template_id", "template_type", "name",
            "default_name_format", "symbol", "category", "builtin", "compute_id", "usage", "console_type",
            "console_auto_start");

    /** Node types whose ports are their {@code adapters} (one Ethernet port each), as GNS3 lists them. */
    private static final java.util.Set<String> ADAPTER_TYPES = java.util.Set.of("qemu", "docker", "virtualbox",
            "vmware");

    private static void adapterPorts(Model.Node n) {
        JsonNode adapters = n.json.path("properties").get("adapters");
        if (!ADAPTER_TYPES.contains(n.type()) || adapters == null || !adapters.canConvertToInt()) {
            return;
        }
        ArrayNode ports = F.arrayNode();
        for (int i = 0; i < Math.min(adapters.asInt(), 275); i++) {
            ObjectNode port = ports.addObject().put("adapter_number", i);
            port.putObject("data_link_types").put("Ethernet", "DLT_EN10MB");
            port.put("link_type", "ethernet").put("name", (n.type().equals("docker") ? "eth" : "Ethernet") + i)
                    .put("port_number", 0).put("short_name", (n.type().equals("docker") ? "eth" : "e") + i);
        }
        n.json.set("ports", ports);
    }

    Model.Node newNode(Model.Project p, String type, String templateId, String requestedName, ObjectNode request) {
        if (type.equals("nat")) {
            throw Gns3Error.conflict("NAT interface virbr0 is missing, please install libvirt");
        }
        String key = "node." + type + (templateId != null ? ".template" : "");
        JsonNode proto = prototypes.get(key);
        if (proto == null) {
            proto = prototypes.get("node." + type);
        }
        if (proto == null) {
            proto = prototypes.get("node." + type + ".template");
        }
        boolean generic = proto == null;
        if (generic) {
            proto = prototypes.get("node.vpcs");
        }
        Model.Node n = new Model.Node();
        n.json = ((ObjectNode) proto).deepCopy();
        String id = request.hasNonNull("node_id") ? request.get("node_id").asText() : UUID.randomUUID().toString();
        if (p.nodes.containsKey(id)) {
            throw Gns3Error.conflict("Node ID " + id + " already exists");
        }
        String name = freeName(p, requestedName, null);
        n.json.put("node_id", id);
        n.json.put("project_id", p.id());
        n.json.put("node_type", type);
        n.json.put("name", name);
        String compute = request.path("compute_id").asText("local");
        n.json.put("compute_id", computeIds.contains(compute) ? compute : "local");
        ((ObjectNode) n.json.get("label")).put("text", name);
        n.json.put("x", request.path("x").asInt(0));
        n.json.put("y", request.path("y").asInt(0));
        n.json.put("z", request.path("z").asInt(1));
        if (request.has("symbol")) {
            n.json.set("symbol", request.get("symbol"));
        }
        if (templateId != null) {
            n.json.put("template_id", templateId);
        }
        if (n.json.hasNonNull("node_directory")) {
            String dir = type.equals("vpcs") || generic ? type : "builtin";
            n.json.put("node_directory", "/opt/gns3/projects/" + p.id() + "/project-files/" + dir + "/" + id);
        }
        if (request.has("properties") && request.get("properties").isObject()) {
            ObjectNode props = (ObjectNode) n.json.get("properties");
            props.setAll((ObjectNode) request.get("properties"));
            if (props.has("ports_mapping") && type.equals("ethernet_switch")) {
                n.json.set("ports", switchPorts(props.get("ports_mapping")));
            }
            adapterPorts(n);
        }
        n.json.put("status", hasProcess(n) ? "stopped" : "started");
        if (hasProcess(n)) {
            n.json.put("command_line", "");
        }
        allocateConsole(n);
        p.nodes.put(id, n);
        notifications.project(p.id(), "node.created", n.json);
        return n;
    }

    private static ArrayNode switchPorts(JsonNode mapping) {
        ArrayNode ports = F.arrayNode();
        for (JsonNode m : mapping) {
            ObjectNode port = F.objectNode();
            port.put("adapter_number", 0);
            port.set("data_link_types", F.objectNode().put("Ethernet", "DLT_EN10MB"));
            port.put("link_type", "ethernet");
            port.put("name", m.path("name").asText());
            port.put("port_number", m.path("port_number").asInt());
            port.put("short_name", "e" + m.path("port_number").asInt());
            ports.add(port);
        }
        return ports;
    }

    /** GNS3 silently picks a free name: the requested one, or the same prefix with the smallest free number. */
    private static String freeName(Model.Project p, String requested, Model.Node self) {
        Set<String> taken = new HashSet<>();
        for (Model.Node n : p.nodes.values()) {
            if (n != self) {
                taken.add(n.name());
            }
        }
        String prefix = requested.replaceAll("\\d+$", "");
        if (!taken.contains(requested) && !requested.equals(prefix)) {
            return requested;
        }
        for (int i = 1; ; i++) {
            if (!taken.contains(prefix + i)) {
                return prefix + i;
            }
        }
    }

    /** Nodes that run a process and can be started and stopped (switches, hubs and clouds always run). */
    private static boolean hasProcess(Model.Node n) {
        return switch (n.type()) {
            case "ethernet_switch", "ethernet_hub", "frame_relay_switch", "atm_switch", "cloud", "nat" -> false;
            default -> true;
        };
    }

    private static boolean isStoppable(Model.Node n) {
        return hasProcess(n);
    }

    private void allocateConsole(Model.Node n) {
        if (!n.json.has("console") || (n.json.get("console").isNull() && !"ethernet_switch".equals(n.type()))) {
            return;
        }
        boolean pair = hasProcess(n);
        int port = consoleHint;
        while (pair ? (port % 2 != 0 || consolePorts.contains(port) || consolePorts.contains(port + 1)
                || !bindable(port)) : consolePorts.contains(port)) {
            port++;
        }
        n.consolePorts = pair ? new int[] {port, port + 1} : new int[] {port};
        for (int reserved : n.consolePorts) {
            consolePorts.add(reserved);
        }
        if (!pair || port == consoleHint) {
            consoleHint = port + n.consolePorts.length;
        }
        n.json.put("console", port);
    }

    /**
     * Whether a console port can be listened on here: another simulator (or a server closing) may hold it, and a
     * console must listen on the port the node shows.
     */
    private static boolean bindable(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void releaseConsole(Model.Node n) {
        for (int port : n.consolePorts) {
            consolePorts.remove(port);
            consoleHint = Math.min(consoleHint, port);
        }
        n.consolePorts = new int[0];
    }

    private void setStatus(Model.Project p, Model.Node n, String status) {
        boolean wasStarted = n.started();
        n.json.put("status", status);
        if (hasProcess(n)) {
            if (status.equals("started")) {
                int console = n.json.path("console").asInt(5000);
                n.json.put("command_line", "/usr/bin/vpcs -p " + (console + 1) + " -m 0 -i 1 -F -R -s 20000 -c 20001"
                        + " -t 127.0.0.1 startup.vpc");
            }
            if (status.equals("started") && !wasStarted) {
                runningNodes++;
                runningPerCompute.merge(n.json.path("compute_id").asText("local"), 1, Integer::sum);
                if (consoles != null) {
                    consoles.started(p, n);
                }
            } else if (!status.equals("started") && wasStarted) {
                runningNodes--;
                runningPerCompute.merge(n.json.path("compute_id").asText("local"), -1, Integer::sum);
                if (consoles != null) {
                    consoles.stopped(n);
                }
            }
        }
        notifications.project(p.id(), "node.updated", n.json);
    }

    void nodeAction(Model.Project p, Model.Node n, String action) {
        if (!hasProcess(n)) {
            return;
        }
        switch (action) {
            case "start" -> {
                if (!n.started() && !n.halfStarted) {
                    try {
                        checkFilters(p, n);
                    } catch (Gns3Error e) {
                        n.halfStarted = true;
                        throw e;
                    }
                    setStatus(p, n, "started");
                }
            }
            case "stop" -> {
                n.halfStarted = false;
                if (n.started()) {
                    setStatus(p, n, "stopped");
                }
            }
            case "reload" -> {
                if (n.started()) {
                    setStatus(p, n, "started");
                }
            }
            default -> {
                // VPCS cannot suspend: GNS3 answers 200 with the node unchanged
            }
        }
    }

    /** uBridge refuses unknown filters only when the node starts, with its own output. */
    private void checkFilters(Model.Project p, Model.Node n) {
        for (Model.Link l : p.links.values()) {
            if (!touches(l, n.id())) {
                continue;
            }
            for (Iterator<String> it = l.json.get("filters").fieldNames(); it.hasNext(); ) {
                String filter = it.next();
                if (!FILTERS.contains(filter)) {
                    throw Gns3Error.conflict("Error while sending command 'bridge add_packet_filter VPCS-" + n.id()
                            + " filter0 " + filter + " " + PyRepr.plain(l.json.get("filters").get(filter))
                            + "': Failed to add filter 'filter0': uBridge version 0.9.19 running with libpcap version"
                            + " 1.10.3 (with TPACKET_V3)\nUnknown filter type '" + filter + "'");
                }
            }
        }
    }

    private void updateNode(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/nodes/{node_id}";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        Model.Node n = node(p, ctx.pathParam("node_id"));
        body.fields().forEachRemaining(e -> {
            switch (e.getKey()) {
                case "name" -> {
                    String name = freeName(p, e.getValue().asText(), n);
                    n.json.put("name", name);
                    if (!body.has("label")) {
                        // GNS3 re-centres the label on a rename
                        ((ObjectNode) n.json.get("label")).put("text", name).putNull("x");
                    }
                }
                case "console", "node_id", "project_id", "node_type", "compute_id", "status" -> {
                    // GNS3 keeps these (a taken console port is silently ignored)
                }
                case "properties" -> {
                    if (e.getValue().isObject()) {
                        ObjectNode props = (ObjectNode) n.json.get("properties");
                        props.setAll((ObjectNode) e.getValue());
                        if (props.has("ports_mapping") && n.type().equals("ethernet_switch")) {
                            n.json.set("ports", switchPorts(props.get("ports_mapping")));
                        }
                        adapterPorts(n);
                    }
                }
                default -> {
                    if (described(ctx, route, e.getKey())) {
                        n.json.set(e.getKey(), e.getValue());
                    }
                }
            }
        });
        notifications.project(p.id(), "node.updated", n.json);
        ok(ctx, 200, n.json);
    }

    private void deleteNode(RoutingContext ctx) {
        Model.Project p = openedProject(ctx);
        Model.Node n = node(p, ctx.pathParam("node_id"));
        deleteNode(p, n);
        noContent(ctx);
    }

    void deleteNode(Model.Project p, Model.Node n) {
        for (Model.Link l : List.copyOf(p.links.values())) {
            if (touches(l, n.id())) {
                removeLink(p, l);
            }
        }
        if (n.started()) {
            setStatus(p, n, "stopped");
        }
        releaseConsole(n);
        p.nodes.remove(n.id());
        // GNS3 sends node.deleted twice: the compute's object first (console released), then the controller's.
        ObjectNode partial = F.objectNode();
        for (String field : COMPUTE_NODE_FIELDS) {
            partial.set(field, n.json.get(field));
        }
        partial.putNull("console");
        notifications.project(p.id(), "node.deleted", partial);
        notifications.project(p.id(), "node.deleted", n.json);
    }

    private void duplicateNode(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/projects/{project_id}/nodes/{node_id}/duplicate");
        Model.Project p = openedProject(ctx);
        Model.Node source = node(p, ctx.pathParam("node_id"));
        ObjectNode request = F.objectNode();
        request.put("x", body.path("x").asInt(source.json.path("x").asInt()));
        request.put("y", body.path("y").asInt(source.json.path("y").asInt()));
        request.set("properties", source.json.get("properties").deepCopy());
        request.set("symbol", source.json.get("symbol"));
        Model.Node copy = newNode(p, source.type(), source.json.path("template_id").isNull() ? null
                : source.json.get("template_id").asText(), source.name(), request);
        copy.files.putAll(source.files);
        ok(ctx, 201, copy.json);
    }

    // ------------------------------------------------------------------ links

    Model.Link link(Model.Project p, String id) {
        Model.Link l = p.links.get(id);
        if (l == null) {
            throw Gns3Error.notFound("Link ID " + id + " doesn't exist");
        }
        return l;
    }

    private static boolean touches(Model.Link l, String nodeId) {
        for (JsonNode end : l.json.get("nodes")) {
            if (end.path("node_id").asText().equals(nodeId)) {
                return true;
            }
        }
        return false;
    }

    private void createLink(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/links";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        if (!p.opened()) {
            throw new Gns3Error(403, "The project is not opened");
        }
        if (!body.has("nodes")) {
            // nodes is not mandatory in the documented input, yet GNS3 cannot create a link without it: a crash
            throw Gns3Error.internal();
        }
        Model.Link l = newLink(p, body);
        ok(ctx, 201, l.json);
    }

    Model.Link newLink(Model.Project p, ObjectNode body) {
        ArrayNode ends = (ArrayNode) body.get("nodes");
        List<Model.Node> nodes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode end : ends) {
            Model.Node n = node(p, end.get("node_id").asText());
            String port = end.get("adapter_number").asInt() + "/" + end.get("port_number").asInt();
            if (!hasPort(n, end.get("adapter_number").asInt(), end.get("port_number").asInt())) {
                throw Gns3Error.notFound("Port " + port + " for " + n.name() + " not found");
            }
            if (!seen.add(n.id() + "#" + port)) {
                throw Gns3Error.conflict("Cannot connect to itself");
            }
            if (ends.size() == 2 && n.usedPorts.contains(port)) {
                throw Gns3Error.conflict("Port is already used");
            }
            nodes.add(n);
        }
        Model.Link l = new Model.Link();
        l.json = ((ObjectNode) prototypes.get("link")).deepCopy();
        String id = body.hasNonNull("link_id") ? body.get("link_id").asText() : UUID.randomUUID().toString();
        if (p.links.containsKey(id)) {
            throw Gns3Error.conflict("Link ID " + id + " already exists");
        }
        l.json.put("link_id", id);
        l.json.put("project_id", p.id());
        ObjectNode labelProto = (ObjectNode) prototypes.get("link").get("nodes").get(0).get("label");
        ArrayNode out = F.arrayNode();
        for (JsonNode end : ends) {
            ObjectNode e = F.objectNode();
            e.put("adapter_number", end.get("adapter_number").asInt());
            ObjectNode label = end.has("label") ? ((ObjectNode) end.get("label")).deepCopy() : labelProto.deepCopy();
            if (!end.has("label")) {
                label.put("text", end.get("adapter_number").asInt() + "/" + end.get("port_number").asInt());
            }
            e.set("label", label);
            e.put("node_id", end.get("node_id").asText());
            e.put("port_number", end.get("port_number").asInt());
            out.add(e);
        }
        l.json.set("nodes", out);
        if (body.has("link_style")) {
            l.json.set("link_style", body.get("link_style"));
        }
        if (body.has("filters")) {
            l.json.set("filters", body.get("filters"));
        }
        if (body.has("suspend")) {
            l.json.set("suspend", body.get("suspend"));
        }
        l.attached = ends.size() == 2;
        if (l.attached) {
            for (int i = 0; i < 2; i++) {
                nodes.get(i).usedPorts.add(ends.get(i).get("adapter_number").asInt() + "/" + ends.get(i).get("port_number").asInt());
            }
        }
        p.links.put(id, l);
        notifications.project(p.id(), "link.created", l.json);
        return l;
    }

    private static boolean hasPort(Model.Node n, int adapter, int port) {
        for (JsonNode p : n.json.get("ports")) {
            if (p.path("adapter_number").asInt() == adapter && p.path("port_number").asInt() == port) {
                return true;
            }
        }
        return false;
    }

    private void updateLink(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/projects/{project_id}/links/{link_id}");
        Model.Project p = project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        if (body.has("filters")) {
            l.json.set("filters", sortedObject(body.get("filters")));
        }
        if (body.has("suspend")) {
            l.json.put("suspend", body.get("suspend").asBoolean());
        }
        if (body.has("link_style")) {
            l.json.set("link_style", body.get("link_style"));
        }
        if (body.has("nodes")) {
            ArrayNode ends = (ArrayNode) l.json.get("nodes");
            for (JsonNode end : body.get("nodes")) {
                for (JsonNode existing : ends) {
                    if (existing.get("node_id").asText().equals(end.path("node_id").asText()) && end.has("label")) {
                        ((ObjectNode) existing).set("label", end.get("label"));
                    }
                }
            }
        }
        notifications.project(p.id(), "link.updated", l.json);
        ok(ctx, 201, l.json);
    }

    private static ObjectNode sortedObject(JsonNode node) {
        ObjectNode sorted = F.objectNode();
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.stream().sorted().forEach(n -> sorted.set(n, node.get(n)));
        return sorted;
    }

    private void deleteLink(RoutingContext ctx) {
        Model.Project p = openedProject(ctx);
        removeLink(p, link(p, ctx.pathParam("link_id")));
        noContent(ctx);
    }

    private void removeLink(Model.Project p, Model.Link l) {
        if (l.attached) {
            for (JsonNode end : l.json.get("nodes")) {
                Model.Node n = p.nodes.get(end.get("node_id").asText());
                if (n != null) {
                    n.usedPorts.remove(end.get("adapter_number").asInt() + "/" + end.get("port_number").asInt());
                }
            }
        }
        endPcap(l);
        p.links.remove(l.id());
        notifications.project(p.id(), "link.deleted", l.json);
    }

    private void availableFilters(RoutingContext ctx) {
        Model.Project p = project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        boolean capable = false;
        for (JsonNode end : l.json.get("nodes")) {
            Model.Node n = p.nodes.get(end.get("node_id").asText());
            capable |= n != null && hasProcess(n);
        }
        ok(ctx, 200, capable ? prototypes.get("available_filters") : F.arrayNode());
    }

    private void startCapture(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/links/{link_id}/start_capture";
        ObjectNode body = body(ctx, route);
        Model.Project p = project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        if (l.json.path("capturing").asBoolean()) {
            throw Gns3Error.conflict("Port 0 has already a filter applied");
        }
        String file = body.hasNonNull("capture_file_name") ? body.get("capture_file_name").asText() : defaultCaptureName(p, l);
        l.json.put("capturing", true);
        l.json.put("capture_compute_id", endCompute(p, l));
        l.json.put("capture_file_name", file);
        l.json.put("capture_file_path", "/opt/gns3/projects/" + p.id() + "/project-files/captures/" + file);
        p.directories.add("project-files/captures");
        p.files.put("project-files/captures/" + file, Pcap.header());
        notifications.project(p.id(), "link.updated", l.json);
        ok(ctx, 201, l.json);
    }

    /** The compute of a link's first node: where its capture runs. */
    private static String endCompute(Model.Project p, Model.Link l) {
        for (JsonNode end : l.json.get("nodes")) {
            Model.Node n = p.nodes.get(end.get("node_id").asText());
            if (n != null) {
                return n.json.path("compute_id").asText("local");
            }
        }
        return "local";
    }

    private static String defaultCaptureName(Model.Project p, Model.Link l) {
        List<String> parts = new ArrayList<>();
        for (JsonNode end : l.json.get("nodes")) {
            Model.Node n = p.nodes.get(end.get("node_id").asText());
            parts.add((n == null ? "node" : n.name()) + "_" + end.get("adapter_number").asInt() + "-" + end.get("port_number").asInt());
        }
        return String.join("_to_", parts) + ".pcap";
    }

    private void stopCapture(RoutingContext ctx) {
        Model.Project p = project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        l.json.put("capturing", false);
        l.json.putNull("capture_compute_id");
        endPcap(l);
        notifications.project(p.id(), "link.updated", l.json);
        ok(ctx, 201, l.json);
    }

    private void pcap(RoutingContext ctx) {
        Model.Project p = project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        if (!l.json.path("capturing").asBoolean()) {
            throw Gns3Error.conflict("This link has no active packet capture");
        }
        var response = ctx.response().setChunked(true).putHeader("content-type", "application/vnd.tcpdump.pcap");
        byte[] sofar = p.files.get("project-files/captures/" + l.json.get("capture_file_name").asText());
        response.write(Buffer.buffer(sofar == null ? Pcap.header() : sofar));
        l.pcapStreams.add(response);
        response.closeHandler(v -> l.pcapStreams.remove(response));
    }

    /** Appends pcap records to a capturing link's file and open streams. */
    void capture(Model.Project p, Model.Link l, byte[] records) {
        String key = "project-files/captures/" + l.json.get("capture_file_name").asText();
        byte[] old = p.files.getOrDefault(key, Pcap.header());
        byte[] joined = new byte[old.length + records.length];
        System.arraycopy(old, 0, joined, 0, old.length);
        System.arraycopy(records, 0, joined, old.length, records.length);
        p.files.put(key, joined);
        for (var stream : l.pcapStreams) {
            stream.write(Buffer.buffer(records));
        }
    }

    private static void endPcap(Model.Link l) {
        for (var stream : List.copyOf(l.pcapStreams)) {
            if (!stream.ended()) {
                stream.end();
            }
        }
        l.pcapStreams.clear();
    }

    // ------------------------------------------------------------------ snapshots

    private void createSnapshot(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/projects/{project_id}/snapshots");
        Model.Project p = openedProject(ctx);
        JsonNode requested = body.get("name");
        if (p.snapshots.values().stream().anyMatch(s -> s.json.get("name").equals(requested))) {
            throw Gns3Error.conflict("The snapshot name " + requested.asText() + " already exists");
        }
        if (!requested.isTextual()) {
            // the documented input gives the name no type, yet GNS3 cannot name a snapshot with anything else: a crash
            throw Gns3Error.internal();
        }
        String name = requested.asText();
        if (p.nodes.values().stream().anyMatch(n -> n.started() && hasProcess(n))) {
            throw Gns3Error.conflict("Project must be stopped in order to export it");
        }
        Instant now = Instant.now();
        Model.Snapshot s = new Model.Snapshot();
        s.json = ((ObjectNode) prototypes.get("snapshot")).deepCopy();
        s.json.put("snapshot_id", UUID.randomUUID().toString());
        s.json.put("project_id", p.id());
        s.json.put("name", name);
        s.json.put("filename", name + ".gns3snapshot");
        s.json.put("created_at", now.getEpochSecond());
        s.json.put("description", "Snapshot '" + name + "' taken on "
                + DateTimeFormatter.ofPattern("yyyy-MM-dd 'at' HH:mm:ss").withZone(ZoneOffset.UTC).format(now));
        s.archive = ProjectArchive.export(this, p);
        p.snapshots.put(s.json.get("snapshot_id").asText(), s);
        ok(ctx, 201, s.json);
    }

    private void restoreSnapshot(RoutingContext ctx) {
        Model.Project p = project(ctx);
        Model.Snapshot s = p.snapshots.get(ctx.pathParam("snapshot_id"));
        if (s == null) {
            throw Gns3Error.notFound("Snapshot ID " + ctx.pathParam("snapshot_id") + " doesn't exist");
        }
        close(p);
        for (Model.Node n : List.copyOf(p.nodes.values())) {
            releaseConsole(n);
        }
        p.nodes.clear();
        p.links.clear();
        p.drawings.clear();
        ProjectArchive.restoreInto(this, p, s.archive, true);
        notifications.controller("project.opened", p.json);
        ok(ctx, 201, p.json);
    }

    // ------------------------------------------------------------------ export, import, duplicate

    private void exportProject(RoutingContext ctx) {
        Model.Project p = project(ctx);
        byte[] zip = ProjectArchive.export(this, p);
        ctx.response().putHeader("content-type", "application/gns3project")
                .putHeader("content-disposition", "attachment; filename=\"" + p.name() + ".gns3project\"")
                .end(Buffer.buffer(zip));
    }

    private void importProject(RoutingContext ctx) {
        String id = ctx.pathParam("project_id");
        byte[] zip = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String name = ctx.queryParams().get("name");
        Model.Project p = ProjectArchive.importArchive(this, id, name, zip);
        ok(ctx, 201, p.json);
    }

    private void duplicateProject(RoutingContext ctx) {
        ObjectNode body = body(ctx, "/v2/projects/{project_id}/duplicate");
        Model.Project source = project(ctx);
        byte[] zip = ProjectArchive.export(this, source);
        String id = body.hasNonNull("project_id") ? body.get("project_id").asText() : UUID.randomUUID().toString();
        Model.Project copy = ProjectArchive.importArchive(this, id, body.get("name").asText(), zip);
        copy.json.put("auto_close", false);
        ok(ctx, 201, copy.json);
    }

    /** The .gns3 file of a project: its topology as GNS3 writes it. */
    ObjectNode topologyFile(Model.Project p) {
        ObjectNode file = p.json.deepCopy();
        file.remove(List.of("filename", "path", "status"));
        file.put("revision", 9);
        file.put("type", "topology");
        file.put("version", VERSION);
        ObjectNode topology = F.objectNode();
        topology.set("computes", F.arrayNode());
        topology.set("drawings", array(p.drawings.values()));
        topology.set("links", array(p.links.values().stream().map(l -> l.json).toList()));
        topology.set("nodes", array(p.nodes.values().stream().map(n -> n.json).toList()));
        file.set("topology", topology);
        return file;
    }

    String uniqueProjectName(String name) {
        String candidate = name;
        for (int i = 1; projects.values().stream().map(Model.Project::name).anyMatch(candidate::equals); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
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

    static void forEachNode(Model.Project p, Consumer<Model.Node> action) {
        List.copyOf(p.nodes.values()).forEach(action);
    }
}
