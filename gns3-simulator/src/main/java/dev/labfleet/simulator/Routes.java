package dev.labfleet.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every handler's routes share: registration (each request counted, injected faults applied, the body parsed as
 * GNS3 parses it before the handler runs), GNS3's answers and its error wording. Handlers throw {@link Gns3Error};
 * it becomes GNS3's {@code {"message", "status"}} body here, and a simulator bug GNS3's 500 shape.
 */
final class Routes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final System.Logger LOG = System.getLogger(Gns3Api.class.getName());
    private static final String TRACEBACK = "Traceback (most recent call last):\n"
            + "  File \"/usr/lib/python3/dist-packages/gns3server/web/route.py\", line 242, in control_schema\n"
            + "    response = await func(request, response)\n"
            + "  File \"/usr/lib/python3/dist-packages/gns3server/handlers/api/controller/node_handler.py\", line 81,"
            + " in create\n    node = await project.add_node(compute, request.json.pop(\"name\"))\n"
            + "RuntimeError: simulated failure\n";

    private final Vertx vertx;
    private final Faults faults;
    private final RequestCounts counts;
    private final Router router;

    Routes(Vertx vertx, Faults faults, RequestCounts counts) {
        this.vertx = vertx;
        this.faults = faults;
        this.counts = counts;
        this.router = Router.router(vertx);
        router.route("/v2/*").handler(BodyHandler.create().setBodyLimit(512L * 1024 * 1024));
    }

    /** A route by Vert.x path ({@code :project_id}); counts and errors name GNS3's template ({@code {project_id}}). */
    void on(HttpMethod method, String path, Handler<RoutingContext> handler) {
        String template = path.replaceAll(":([a-z_]+)", "{$1}");
        // GNS3 parses every API body as JSON before its handler runs, whether the route reads it or not (uploads aside)
        boolean raw = path.endsWith("/import");
        router.route(method, path).handler(ctx -> guarded(ctx, template, raw ? handler : c -> {
            Requests.parseFirst(c, template);
            handler.handle(c);
        }));
    }

    /** A route whose last parameter is a path with slashes; its groups are {@code param0}, {@code param1}... */
    void onRegex(HttpMethod method, String regex, String template, Handler<RoutingContext> handler) {
        router.routeWithRegex(method, regex).handler(ctx -> guarded(ctx, template, handler));
    }

    /** The router with every handler's routes, answering unknown paths and methods as GNS3 does. */
    Router router() {
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

    /** Counts the request, applies injected faults, and turns Gns3Errors into GNS3's error bodies. */
    private void guarded(RoutingContext ctx, String template, Handler<RoutingContext> handler) {
        String method = ctx.request().method().name();
        counts.record(method, template);
        String key = method + " " + ctx.request().path();
        if (faults.hangs(key)) {
            return; // never answered; the client's timeout is the test
        }
        Runnable rest = () -> {
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
        };
        // a held request is handled once released, on this context (a test's thread releases it)
        Context here = vertx.getOrCreateContext();
        if (faults.held(key, () -> here.runOnContext(v -> rest.run()))) {
            return;
        }
        rest.run();
    }

    // ------------------------------------------------------------------ answers

    static void ok(RoutingContext ctx, int status, JsonNode body) {
        if (ctx.response().ended()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Gns3Api.M.writeValueAsBytes(body);
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
        ObjectNode body = e.body != null ? e.body
                : F.objectNode().put("message", e.getMessage()).put("status", e.status);
        ok(ctx, e.status, body);
    }

    /** A simulator bug answers GNS3's 500 shape; the Java exception goes to the log, never to the client. */
    private static void internalError(RoutingContext ctx, Throwable failure) {
        LOG.log(System.Logger.Level.ERROR, ctx.request().method() + " " + ctx.request().path() + " failed", failure);
        error(ctx, Gns3Error.internal());
    }

    static ArrayNode array(Iterable<? extends JsonNode> items) {
        ArrayNode array = F.arrayNode();
        items.forEach(array::add);
        return array;
    }

    /** An object of a closed project as GNS3 shows it: without what it reads from the .gns3 file only when opened. */
    static JsonNode closedView(Model.Project p, ObjectNode json, String... hidden) {
        if (p.opened()) {
            return json;
        }
        ObjectNode view = json.deepCopy();
        view.remove(List.of(hidden));
        return view;
    }

    /** The decoded path of a regex route's group ({@code param0}...). */
    static String decodedTail(RoutingContext ctx, int group) {
        return URLDecoder.decode(ctx.pathParam("param" + group), StandardCharsets.UTF_8);
    }
}
