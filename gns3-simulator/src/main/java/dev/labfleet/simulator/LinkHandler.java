package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.noContent;
import static dev.labfleet.simulator.Routes.ok;

/**
 * {@code /v2/projects/{project_id}/links}: links between node ports, their filters and suspension, and their packet
 * captures (start, stop, and the live {@code /pcap} stream).
 */
final class LinkHandler {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> FILTERS = List.of("frequency_drop", "packet_loss", "delay", "corrupt", "bpf");

    private final Gns3Api api;

    LinkHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/projects/:project_id/links", ctx -> ok(ctx, 200,
                array(api.projectHandler.project(ctx).links.values().stream().map(l -> l.json).toList())));
        r.on(HttpMethod.POST, "/v2/projects/:project_id/links", this::createLink);
        r.on(HttpMethod.GET, "/v2/projects/:project_id/links/:link_id", ctx -> ok(ctx, 200,
                link(api.projectHandler.project(ctx), ctx.pathParam("link_id")).json));
        r.on(HttpMethod.PUT, "/v2/projects/:project_id/links/:link_id", this::updateLink);
        r.on(HttpMethod.DELETE, "/v2/projects/:project_id/links/:link_id", this::deleteLink);
        r.on(HttpMethod.GET, "/v2/projects/:project_id/links/:link_id/available_filters", this::availableFilters);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/links/:link_id/start_capture", this::startCapture);
        r.on(HttpMethod.POST, "/v2/projects/:project_id/links/:link_id/stop_capture", this::stopCapture);
        r.on(HttpMethod.GET, "/v2/projects/:project_id/links/:link_id/pcap", this::pcap);
    }

    Model.Link link(Model.Project p, String id) {
        Model.Link l = p.links.get(id);
        if (l == null) {
            throw Gns3Error.notFound("Link ID " + id + " doesn't exist");
        }
        return l;
    }

    static boolean touches(Model.Link l, String nodeId) {
        for (JsonNode end : l.json.get("nodes")) {
            if (end.path("node_id").asText().equals(nodeId)) {
                return true;
            }
        }
        return false;
    }

    private void createLink(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/links";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = ProjectHandler.opened(api.projectHandler.project(ctx));
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
            Model.Node n = api.nodeHandler.node(p, end.get("node_id").asText());
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
        l.json = ((ObjectNode) api.prototypes.get("link")).deepCopy();
        String id = body.hasNonNull("link_id") ? body.get("link_id").asText() : UUID.randomUUID().toString();
        if (p.links.containsKey(id)) {
            throw Gns3Error.conflict("Link ID " + id + " already exists");
        }
        l.json.put("link_id", id);
        l.json.put("project_id", p.id());
        ObjectNode labelProto = (ObjectNode) api.prototypes.get("link").get("nodes").get(0).get("label");
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
                nodes.get(i).usedPorts.add(ends.get(i).get("adapter_number").asInt() + "/"
                        + ends.get(i).get("port_number").asInt());
            }
        }
        p.links.put(id, l);
        api.notifications.project(p.id(), "link.created", l.json);
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
        ObjectNode body = Requests.body(ctx, "/v2/projects/{project_id}/links/{link_id}");
        Model.Project p = api.projectHandler.project(ctx);
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
        api.notifications.project(p.id(), "link.updated", l.json);
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
        Model.Project p = api.projectHandler.openedProject(ctx);
        removeLink(p, link(p, ctx.pathParam("link_id")));
        noContent(ctx);
    }

    void removeLink(Model.Project p, Model.Link l) {
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
        api.notifications.project(p.id(), "link.deleted", l.json);
    }

    // ------------------------------------------------------------------ filters

    private void availableFilters(RoutingContext ctx) {
        Model.Project p = api.projectHandler.project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        boolean capable = false;
        for (JsonNode end : l.json.get("nodes")) {
            Model.Node n = p.nodes.get(end.get("node_id").asText());
            capable |= n != null && NodeHandler.hasProcess(n);
        }
        ok(ctx, 200, capable ? api.prototypes.get("available_filters") : F.arrayNode());
    }

    /** uBridge refuses unknown filters only when the node starts, with its own output. */
    void checkFilters(Model.Project p, Model.Node n) {
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

    // ------------------------------------------------------------------ captures

    private void startCapture(RoutingContext ctx) {
        String route = "/v2/projects/{project_id}/links/{link_id}/start_capture";
        ObjectNode body = Requests.body(ctx, route);
        Model.Project p = api.projectHandler.project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        if (l.json.path("capturing").asBoolean()) {
            throw Gns3Error.conflict("Port 0 has already a filter applied");
        }
        String file = body.hasNonNull("capture_file_name") ? body.get("capture_file_name").asText()
                : defaultCaptureName(p, l);
        l.json.put("capturing", true);
        l.json.put("capture_compute_id", endCompute(p, l));
        l.json.put("capture_file_name", file);
        l.json.put("capture_file_path", "/opt/gns3/projects/" + p.id() + "/project-files/captures/" + file);
        p.directories.add("project-files/captures");
        // a quiet capture's file stays empty until its first frame (Faults#quietCaptures)
        p.files.put("project-files/captures/" + file, api.faults().capturesQuiet() ? new byte[0] : Pcap.header());
        api.notifications.project(p.id(), "link.updated", l.json);
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
            parts.add((n == null ? "node" : n.name()) + "_" + end.get("adapter_number").asInt() + "-"
                    + end.get("port_number").asInt());
        }
        return String.join("_to_", parts) + ".pcap";
    }

    private void stopCapture(RoutingContext ctx) {
        Model.Project p = api.projectHandler.project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        l.json.put("capturing", false);
        l.json.putNull("capture_compute_id");
        endPcap(l);
        api.notifications.project(p.id(), "link.updated", l.json);
        ok(ctx, 201, l.json);
    }

    private void pcap(RoutingContext ctx) {
        Model.Project p = api.projectHandler.project(ctx);
        Model.Link l = link(p, ctx.pathParam("link_id"));
        if (!l.json.path("capturing").asBoolean()) {
            throw Gns3Error.conflict("This link has no active packet capture");
        }
        var response = ctx.response().setChunked(true).putHeader("content-type", "application/vnd.tcpdump.pcap");
        byte[] sofar = p.files.get("project-files/captures/" + l.json.get("capture_file_name").asText());
        if (sofar != null && sofar.length == 0) {
            response.writeHead(); // as GNS3: status and headers at once, the file's bytes when there are some
        } else {
            response.write(Buffer.buffer(sofar == null ? Pcap.header() : sofar));
        }
        l.pcapStreams.add(response);
        response.closeHandler(v -> l.pcapStreams.remove(response));
    }

    /** Appends pcap records to a capturing link's file and open streams. */
    void capture(Model.Project p, Model.Link l, byte[] records) {
        String key = "project-files/captures/" + l.json.get("capture_file_name").asText();
        byte[] old = p.files.getOrDefault(key, Pcap.header());
        // a quiet capture's global header goes out with its first frame
        byte[] written = old.length == 0 ? concat(Pcap.header(), records) : records;
        p.files.put(key, concat(old, written));
        for (var stream : l.pcapStreams) {
            stream.write(Buffer.buffer(written));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** Ends a link's live capture streams (capture stopped, link deleted, project closed). */
    static void endPcap(Model.Link l) {
        for (var stream : List.copyOf(l.pcapStreams)) {
            if (!stream.ended()) {
                stream.end();
            }
        }
        l.pcapStreams.clear();
    }
}
