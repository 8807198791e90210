package dev.labfleet.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;

import java.io.UncheckedIOException;

/**
 * The body checks every handler shares: a request body parsed as GNS3 parses it (Python's json module decides what is
 * malformed) and checked against request-bodies.json, refused with GNS3's own 400 wording.
 */
final class Requests {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Request bodies, once Python's rules accepted them: NaN and Infinity included. */
    private static final ObjectReader BODY_READER = Gns3Api.M.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    private static final RequestBodies BODIES = new RequestBodies();
    /** The request body as parsed before the handler runs (routing-context key). */
    private static final String JSON = "gns3.json";

    private Requests() {
    }

    /** Parses the body before the handler runs, as GNS3 does for every API route (malformed JSON: a 400). */
    static void parseFirst(RoutingContext ctx, String template) {
        ctx.put(JSON, json(ctx, template));
    }

    /**
     * The request body checked before the handler runs: malformed JSON (in Python's words) and bodies
     * request-bodies.json refuses for this method and route are 400s with the route template, method and request, as
     * GNS3 answers them. No body is {}.
     */
    static ObjectNode body(RoutingContext ctx, String template) {
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

    /** Whether this route's body may carry {@code field}; the fields it accepts without knowing them are ignored. */
    static boolean described(RoutingContext ctx, String template, String field) {
        return BODIES.describes(route(ctx, template), field);
    }

    private static String route(RoutingContext ctx, String template) {
        return ctx.request().method().name() + " " + template;
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
}
