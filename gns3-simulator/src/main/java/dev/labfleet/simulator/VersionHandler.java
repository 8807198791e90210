package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

import static dev.labfleet.simulator.Routes.array;
import static dev.labfleet.simulator.Routes.ok;

/**
 * The server itself: {@code /v2/version}, the computes (their ports and images), and the catalogues GNS3 serves as
 * they are (statistics, GNS3 VM, IOU licence, appliances, symbols).
 */
final class VersionHandler {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Gns3Api api;
    private final List<String> computeIds = new ArrayList<>(List.of("local"));

    VersionHandler(Gns3Api api) {
        this.api = api;
    }

    void routes(Routes r) {
        r.on(HttpMethod.GET, "/v2/version", ctx -> ok(ctx, 200, F.objectNode().put("local", true)
                .put("version", Gns3Api.VERSION)));
        r.on(HttpMethod.POST, "/v2/version", this::checkVersion);
        r.on(HttpMethod.GET, "/v2/computes", ctx -> ok(ctx, 200,
                array(computeIds.stream().map(this::compute).toList())));
        r.on(HttpMethod.GET, "/v2/computes/:compute_id", ctx -> ok(ctx, 200, computeOr404(ctx)));
        r.on(HttpMethod.GET, "/v2/computes/:compute_id/ports", this::ports);
        r.on(HttpMethod.GET, "/v2/computes/:compute_id/:emulator/images", ctx -> {
            computeOr404(ctx);
            ok(ctx, 200, "qemu".equals(ctx.pathParam("emulator")) ? api.prototypes.get("qemu_images") : F.arrayNode());
        });
        r.on(HttpMethod.GET, "/v2/statistics", ctx -> ok(ctx, 200, api.prototypes.get("statistics")));
        r.on(HttpMethod.GET, "/v2/gns3vm", ctx -> ok(ctx, 200, api.prototypes.get("gns3vm")));
        r.on(HttpMethod.GET, "/v2/gns3vm/engines", ctx -> ok(ctx, 200, api.prototypes.get("gns3vm_engines")));
        r.on(HttpMethod.GET, "/v2/iou_license", ctx -> ok(ctx, 200, api.prototypes.get("iou_license")));
        r.on(HttpMethod.GET, "/v2/appliances", ctx -> ok(ctx, 200, api.prototypes.get("appliances")));
        r.on(HttpMethod.GET, "/v2/symbols", ctx -> ok(ctx, 200, api.prototypes.get("symbols")));
        r.on(HttpMethod.GET, "/v2/default_symbols", ctx -> ok(ctx, 200, api.prototypes.get("default_symbols")));
        r.onRegex(HttpMethod.GET, "/v2/symbols/(.+)/raw", "/v2/symbols/{symbol_id}/raw",
                c -> c.response().putHeader("content-type", "image/svg+xml")
                        .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"65\" height=\"59\"/>"));
        r.onRegex(HttpMethod.GET, "/v2/symbols/(.+)/dimensions", "/v2/symbols/{symbol_id}/dimensions",
                c -> ok(c, 200, api.prototypes.get("symbol_dimensions")));
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

    boolean hasCompute(String id) {
        return computeIds.contains(id);
    }

    /** A compute as GNS3 lists it; its cpu and memory usage rise with the nodes started on it. */
    ObjectNode compute(String id) {
        ObjectNode compute = ((ObjectNode) api.prototypes.get("computes").get(0)).deepCopy();
        int running = api.nodeHandler.runningOn(id);
        compute.put("compute_id", id);
        if (!id.equals("local")) {
            compute.put("name", id);
        }
        compute.put("cpu_usage_percent", Math.min(100.0, 2.0 + running * 0.8));
        compute.put("memory_usage_percent", Math.min(100.0, 4.5 + running * 0.2));
        return compute;
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
        body.set("console_ports", array(api.nodeHandler.consolePorts().stream().map(F::numberNode).toList()));
        body.set("udp_port_range", F.arrayNode().add(20000).add(30000));
        body.set("udp_ports", F.arrayNode());
        ok(ctx, 200, body);
    }

    private void checkVersion(RoutingContext ctx) {
        ObjectNode body = Requests.body(ctx, "/v2/version");
        String version = body.get("version").asText();
        if (!Gns3Api.VERSION.equals(version)) {
            throw Gns3Error.conflict("Client version " + version + " is not the same as server version "
                    + Gns3Api.VERSION);
        }
        ok(ctx, 200, F.objectNode().put("version", Gns3Api.VERSION));
    }
}
