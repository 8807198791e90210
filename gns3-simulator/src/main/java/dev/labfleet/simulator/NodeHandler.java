package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.closedView;
import static dev.labfleet.simulator.Routes.decodedTail;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/**
 * {@code /v2/projects/{project_id}/nodes}: nodes made by type or from a template, changed, copied and deleted, their
 * start, stop, suspend and reload (one by one and in bulk), their files and console ports.
 */
final class NodeHandler {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern CONSOLE_WS = Pattern.compile("/v2/projects/([^/]+)/nodes/([^/]+)/console/ws");

    /** The fields of a compute's node object, as recorded for a VPCS in the first node.deleted of 09-notifications. */
    private static final String[] COMPUTE_NODE_FIELDS = {"command_line", "console", "console_type", "name",
            "node_directory", "node_id", "project_id", "status"};

    /** What GNS3 leaves out of a closed project's objects: it reads them from the .gns3 file. */
    private static final String[] CLOSED_NODE_HIDDEN = {"command_line", "console_host", "node_directory", "ports",
            "project_id", "status"};

    /** Template fields that describe the template, not the nodes made from it. */
    private static final Set<String> TEMPLATE_ONLY = Set.of("template_id", "template_type", "name",
            "default_name_format", "symbol", "category", "builtin", "compute_id", "usage", "console_type",
            "console_auto_start");

    /** Node types whose ports are their {@code adapters} (one Ethernet port each), as GNS3 lists them. */
    private static final Set<String> ADAPTER_TYPES = Set.of("qemu", "docker", "virtualbox", "vmware");

    private final Gns3Api api;
    private final TreeSet<Integer> consolePorts = new TreeSet<>();
    /** No console port below this one is free. */
    private int consoleHint = 5000;
    /** Started nodes per compute id (their cpu and memory usage follow). */
    private final Map<String, Integer> runningPerCompute = new LinkedHashMap<>();

    NodeHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/projects/:project_id/nodes", ctx -> {
            Model.Project p = api.projectHandler.project(ctx);
            ok(ctx, 200, array(p.nodes.values().stream().map(n -> closedView(p, n.json, CLOSED_NODE_HIDDEN)).toList()));
        });
        r.on(HttpMethod.POST, "/v2/projects/:project_id/nodes", this::createNode);
        for (String action : List.of("start", "stop", "suspend", "reload")) {
            r.on(HttpMethod.POST, "/v2/projects/:project_id/nodes/" + action, ctx -> {
                Model.Project p = api.projectHandler.openedProject(ctx);
                if (action.equals("start") && api.faults().startTime() != null) {
                    // every node to the compute at once; the answer when all are over (the first refusal, if any)
                    List<Model.Node> nodes = List.copyOf(p.nodes.values());
                    int[] left = {nodes.size()};
                    Gns3Error[] refused = {null};
                    if (nodes.isEmpty()) {
                        noContent(ctx);
                    }
                    for (Model.Node n : nodes) {
                        timedStart(p, n, error -> {
                            if (error != null && refused[0] == null) {
                                refused[0] = error;
                            }
                            if (--left[0] == 0) {
                                if (refused[0] != null) {
                                    Routes.error(ctx, refused[0]);
                                } else {
                                    consolesSettled(() -> noContent(ctx));
                                }
                            }
                        });
                    }
                    return;
                }
                for (Model.Node n : List.copyOf(p.nodes.values())) {
                    nodeAction(p, n, action);
                }
                consolesSettled(() -> noContent(ctx));
            });
            r.on(HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/" + action, ctx -> {
                Model.Project p = api.projectHandler.openedProject(ctx);
                Model.Node n = node(p, ctx.pathParam("node_id"));
                if (action.equals("start") && api.faults().startTime() != null) {
                    timedStart(p, n, error -> {
                        if (error != null) {
                            Routes.error(ctx, error);
                        } else {
                            JsonNode answer = n.json.deepCopy();
                            consolesSettled(() -> ok(ctx, 200, answer));
                        }
                    });
                    return;
                }
                nodeAction(p, n, action);
                consolesSettled(() -> ok(ctx, 200, n.json));
            });
        }
        r.on(HttpMethod.GET, "/v2/projects/:project_id/nodes/:node_id", ctx -> {
            Model.Project p = api.projectHandler.project(ctx);
            ok(ctx, 200, closedView(p, node(p, ctx.pathParam("node_id")).json, CLOSED_NODE_HIDDEN));
        });
        r.on(HttpMethod.PUT, "/v2/projects/:project_id/nodes/:node_id", this::updateNode);
        r.on(HttpMethod.DELETE, "/v2/projects/:project_id/nodes/:node_id", this::deleteNode);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/duplicate", this::duplicateNode);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/nodes/:node_id/console/reset", ctx -> {
            node(api.projectHandler.openedProject(ctx), ctx.pathParam("node_id"));
            noContent(ctx);
        });
        r.on(HttpMethod.GET, "/v2/projects/:project_id/nodes/:node_id/links", ctx -> {
            Model.Project p = api.projectHandler.project(ctx);
            String nodeId = node(p, ctx.pathParam("node_id")).id();
            ok(ctx, 200, array(p.links.values().stream().filter(l -> LinkHandler.touches(l, nodeId))
                    .map(l -> l.json).toList()));
        });
        r.onRegex(HttpMethod.GET, "/v2/projects/([^/]+)/nodes/([^/]+)/files/(.+)",
                "/v2/projects/{project_id}/nodes/{node_id}/files/{path}", this::getNodeFile);
        r.onRegex(HttpMethod.POST, "/v2/projects/([^/]+)/nodes/([^/]+)/files/(.+)",
                "/v2/projects/{project_id}/nodes/{node_id}/files/{path}", this::postNodeFile);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/templates/:template_id", this::createNodeFromTemplate);
    }

    /** No node runs and no console port is taken. */
    void reset() {
        startQueue.clear();
        startsRunning = 0;
        consolePorts.clear();
        consoleHint = 5000;
        runningPerCompute.clear();
    }

    /** Console ports taken, as {@code /v2/computes/{id}/ports} lists them. */
    Set<Integer> consolePorts() {
        return consolePorts;
    }

    /** Started nodes on a compute. */
    int runningOn(String computeId) {
        return runningPerCompute.getOrDefault(computeId, 0);
    }

    Model.Node node(Model.Project p, String id) {
        Model.Node n = p.nodes.get(id);
        if (n == null) {
            throw Gns3Error.notFound("Node ID " + id + " doesn't exist");
        }
        return n;
    }

    /** Runs {@code answer} once the consoles of the nodes just started listen. */
    private void consolesSettled(Runnable answer) {
        VpcsConsoles consoles = api.consoles();
        if (consoles == null) {
            answer.run();
        } else {
            consoles.settled().onComplete(done -> answer.run());
        }
    }

    // ------------------------------------------------------------------ create

    private void createNode(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/nodes";
        ObjectNode body = Requests.body(ctx, route);
        // GNS3 looks the compute up before the project
        if (!api.versionHandler.hasCompute(body.get("compute_id").asText())) {
            throw Gns3Error.notFound("Compute ID " + body.get("compute_id").asText() + " doesn't exist");
        }
        Model.Project p = ProjectHandler.opened(api.projectHandler.project(ctx));
        String type = body.get("node_type").asText();
        Model.Node n = newNode(p, type, null, body.get("name").asText(), body);
        ok(ctx, 201, n.json);
    }

    private void createNodeFromTemplate(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/templates/{template_id}";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = api.projectHandler.project(ctx);
        ObjectNode t = api.templateHandler.find(ctx.pathParam("template_id"));
        if (t == null) {
            throw Gns3Error.notFound("Template " + ctx.pathParam("template_id") + " doesn't exist");
        }
        ProjectHandler.opened(p);
        if (body.hasNonNull("compute_id") && !api.versionHandler.hasCompute(body.get("compute_id").asText())) {
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
            if (Requests.described(ctx, route, e.getKey())) {
                props.set(e.getKey(), e.getValue());
            }
        });
        Model.Node n = newNode(p, type, t.get("template_id").asText(), name, props);
        if (type.equals("vpcs")) {
            n.files.put("startup.vpc", api.prototypes.get("startup_vpc_template").asText()
                    .replace("PC2", n.name()).getBytes(StandardCharsets.UTF_8));
        }
        ok(ctx, 201, n.json);
    }

    Model.Node newNode(Model.Project p, String type, String templateId, String requestedName, ObjectNode request) {
        if (type.equals("nat")) {
            throw Gns3Error.conflict("NAT interface virbr0 is missing, please install libvirt");
        }
        String key = "node." + type + (templateId != null ? ".template" : "");
        JsonNode proto = api.prototypes.get(key);
        if (proto == null) {
            proto = api.prototypes.get("node." + type);
        }
        if (proto == null) {
            proto = api.prototypes.get("node." + type + ".template");
        }
        boolean generic = proto == null;
        if (generic) {
            proto = api.prototypes.get("node.vpcs");
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
        n.json.put("compute_id", api.versionHandler.hasCompute(compute) ? compute : "local");
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
        api.notifications.project(p.id(), "node.created", n.json);
        return n;
    }

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

    // ------------------------------------------------------------------ processes and consoles

    /** Nodes that run a process and can be started and stopped (switches, hubs and clouds always run). */
    static boolean hasProcess(Model.Node n) {
        return switch (n.type()) {
            case "ethernet_switch", "ethernet_hub", "frame_relay_switch", "atm_switch", "cloud", "nat" -> false;
            default -> true;
        };
    }

    static boolean isStoppable(Model.Node n) {
        return hasProcess(n);
    }

    void allocateConsole(Model.Node n) {
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
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void releaseConsole(Model.Node n) {
        for (int port : n.consolePorts) {
            consolePorts.remove(port);
            consoleHint = Math.min(consoleHint, port);
        }
        n.consolePorts = new int[0];
    }

    void setStatus(Model.Project p, Model.Node n, String status) {
        boolean wasStarted = n.started();
        n.json.put("status", status);
        if (hasProcess(n)) {
            if (status.equals("started")) {
                int console = n.json.path("console").asInt(5000);
                n.json.put("command_line", "/usr/bin/vpcs -p " + (console + 1) + " -m 0 -i 1 -F -R -s 20000 -c 20001"
                        + " -t 127.0.0.1 startup.vpc");
            }
            VpcsConsoles consoles = api.consoles();
            if (status.equals("started") && !wasStarted) {
                runningPerCompute.merge(n.json.path("compute_id").asText("local"), 1, Integer::sum);
                if (consoles != null) {
                    consoles.started(p, n);
                }
            } else if (!status.equals("started") && wasStarted) {
                runningPerCompute.merge(n.json.path("compute_id").asText("local"), -1, Integer::sum);
                if (consoles != null) {
                    consoles.stopped(n);
                }
            }
        }
        api.notifications.project(p.id(), "node.updated", n.json);
    }

    /** Starts waiting for a slot of the compute (Faults.nodeStartTime), first come first served. */
    private final java.util.ArrayDeque<Runnable> startQueue = new java.util.ArrayDeque<>();
    private int startsRunning;

    /**
     * Starts {@code n} taking the configured start time on one of the compute's start slots, then tells {@code done}
     * (with GNS3's refusal, or null). A node already started, or one without a process, takes no time.
     */
    private void timedStart(Model.Project p, Model.Node n, java.util.function.Consumer<Gns3Error> done) {
        Faults.StartTime time = api.faults().startTime();
        if (time == null || !hasProcess(n) || n.started()) {
            done.accept(act(p, n));
            return;
        }
        startQueue.add(() -> {
            startsRunning++;
            api.vertx.setTimer(Math.max(1, time.draw()), id -> {
                startsRunning = Math.max(0, startsRunning - 1);
                nextStart(time);
                if (time.statusLagMs() > 0) {
                    // answered first; the node's new status (or its failed start) shows a little later
                    done.accept(null);
                    api.vertx.setTimer(time.statusLagMs(), later -> {
                        if (p.nodes.get(n.id()) == n) {
                            act(p, n);
                        }
                    });
                    return;
                }
                // a node deleted meanwhile (or its project closed) is not started
                done.accept(p.nodes.get(n.id()) == n ? act(p, n) : null);
            });
        });
        nextStart(time);
    }

    private void nextStart(Faults.StartTime time) {
        while (startsRunning < time.slots() && !startQueue.isEmpty()) {
            startQueue.poll().run();
        }
    }

    private Gns3Error act(Model.Project p, Model.Node n) {
        try {
            nodeAction(p, n, "start");
            return null;
        } catch (Gns3Error e) {
            return e;
        }
    }

    void nodeAction(Model.Project p, Model.Node n, String action) {
        if (!hasProcess(n)) {
            return;
        }
        switch (action) {
            case "start" -> {
                if (!n.started() && !n.halfStarted) {
                    try {
                        api.linkHandler.checkFilters(p, n);
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

    // ------------------------------------------------------------------ change, copy, delete

    private void updateNode(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/nodes/{node_id}";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = api.projectHandler.project(ctx);
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
                    if (Requests.described(ctx, route, e.getKey())) {
                        n.json.set(e.getKey(), e.getValue());
                    }
                }
            }
        });
        api.notifications.project(p.id(), "node.updated", n.json);
        ok(ctx, 200, n.json);
    }

    private void deleteNode(RoutingContext ctx) {
        Model.Project p = api.projectHandler.openedProject(ctx);
        Model.Node n = node(p, ctx.pathParam("node_id"));
        deleteNode(p, n);
        noContent(ctx);
    }

    void deleteNode(Model.Project p, Model.Node n) {
        for (Model.Link l : List.copyOf(p.links.values())) {
            if (LinkHandler.touches(l, n.id())) {
                api.linkHandler.removeLink(p, l);
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
        api.notifications.project(p.id(), "node.deleted", partial);
        api.notifications.project(p.id(), "node.deleted", n.json);
    }

    private void duplicateNode(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/projects/{project_id}/nodes/{node_id}/duplicate");
        Model.Project p = api.projectHandler.openedProject(ctx);
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

    // ------------------------------------------------------------------ files

    private void getNodeFile(RoutingContext ctx) {
        Model.Project p = ProjectHandler.opened(api.projectHandler.project(ctx.pathParam("param0")));
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
        Model.Project p = ProjectHandler.opened(api.projectHandler.project(ctx.pathParam("param0")));
        Model.Node n = node(p, ctx.pathParam("param1"));
        n.files.put(decodedTail(ctx, 2), ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        ctx.response().setStatusCode(201).putHeader("content-type", "application/octet-stream").end();
    }

    // ------------------------------------------------------------------ console WebSocket

    /** Takes the WebSocket if it asks for a node's console ({@code .../nodes/{node_id}/console/ws}). */
    boolean acceptConsole(ServerWebSocket ws, String consoleHost) {
        Matcher console = CONSOLE_WS.matcher(ws.path());
        if (console.matches() && api.projects.containsKey(console.group(1))
                && api.projects.get(console.group(1)).nodes.containsKey(console.group(2))) {
            api.counts().record("GET", "/v2/projects/{project_id}/nodes/{node_id}/console/ws");
            consoleProxy(ws, api.projects.get(console.group(1)).nodes.get(console.group(2)), consoleHost);
            return true;
        }
        return false;
    }

    /**
     * GNS3's console WebSocket: the controller relays the node's raw telnet stream (negotiation included) in binary
     * frames, and takes input as binary or text frames. A node without a live console closes the socket.
     */
    private void consoleProxy(ServerWebSocket ws, Model.Node node, String host) {
        int consolePort = node.json.path("console").asInt(0);
        if (!node.started() || !"telnet".equals(node.json.path("console_type").asText()) || consolePort <= 0) {
            ws.close();
            return;
        }
        ws.pause();
        Vertx vertx = api.vertx;
        vertx.createNetClient().connect(consolePort, host).onComplete(connected -> {
            if (connected.failed()) {
                ws.close();
                return;
            }
            NetSocket telnet = connected.result();
            telnet.handler(data -> ws.writeBinaryMessage(data));
            telnet.closeHandler(v -> ws.close());
            ws.binaryMessageHandler(telnet::write);
            ws.textMessageHandler(text -> telnet.write(Buffer.buffer(text, "UTF-8")));
            ws.closeHandler(v -> telnet.close());
            ws.exceptionHandler(e -> telnet.close());
            ws.resume();
        });
    }
}
