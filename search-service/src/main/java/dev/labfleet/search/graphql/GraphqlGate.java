package dev.labfleet.search.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.support.problem.ProblemMappers;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.search.config.SearchConfig;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses, before SmallRye GraphQL executes anything, a {@code /graphql} request that is not a GraphQL document or
 * whose selections are deeper than {@code labfleet.search.graphql.max-depth} or hold more fields than
 * {@code max-complexity}: a 400 {@code application/problem+json} naming the limit, like every other bad input of the
 * suite (GraphQL's own validation answers 200 with {@code errors}). Depth counts fields, fragments expanded; a root
 * field is depth 1. Operations that only introspect ({@code __schema}, {@code __type}) are exempt: they read no data.
 */
@ApplicationScoped
public class GraphqlGate {

    static final String PATH = "/graphql";

    private final int maxDepth;
    private final int maxComplexity;
    private final long maxBody;
    /** Whether SmallRye GraphQL serves GET ({@code quarkus.smallrye-graphql.http.get.enabled}, off by default). */
    private final boolean getEnabled = org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getOptionalValue("quarkus.smallrye-graphql.http.get.enabled", Boolean.class).orElse(false);

    public GraphqlGate(SearchConfig config) {
        this.maxDepth = config.graphql().maxDepth();
        this.maxComplexity = config.graphql().maxComplexity();
        this.maxBody = config.graphql().maxBodySize();
    }

    void install(@Observes Router router) {
        // ahead of SmallRye GraphQL's route on the same path; its own body handler sees the body already read. A body
        // over the limit is a 413 problem: a declared length is refused before the body is read (tooLarge), a chunked
        // one when the body handler reaches the limit (it fails the route with 413, answered by the failure handler
        // instead of Vert.x' empty 413)
        router.route(PATH).order(-2).handler(this::tooLarge);
        router.route(PATH).order(-1).handler(BodyHandler.create(false).setBodyLimit(maxBody)).handler(this::check)
                .failureHandler(this::failed);
    }

    /** A declared body over the limit: refused before it is read (the connection is closed: the body stays unread). */
    private void tooLarge(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null) {
            try {
                long declared = Long.parseLong(length.trim());
                if (declared > maxBody) {
                    refuseTooLarge(context, declared + " bytes");
                    return;
                }
            } catch (NumberFormatException e) {
                // HttpLimits (service-support) answers a malformed Content-Length before this route
            }
        }
        context.next();
    }

    private void failed(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().ended()) {
            refuseTooLarge(context, "more than " + maxBody + " bytes");
            return;
        }
        context.next();
    }

    private void refuseTooLarge(RoutingContext context, String size) {
        Problem problem = Problem.of(ProblemTypes.PAYLOAD_TOO_LARGE, "the GraphQL request body is " + size
                + "; at most " + maxBody + " are accepted at " + PATH).withTraceId(ProblemMappers.traceId());
        context.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close").end(Buffer.buffer(json(problem)));
    }

    private static byte[] json(Problem problem) {
        try {
            return CloudEventCodec.mapper().writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new byte[0];
        }
    }

    private void check(RoutingContext context) {
        String query;
        String operationName = null;
        if (context.request().method() == HttpMethod.GET && getEnabled) {
            query = context.request().getParam("query");
            operationName = context.request().getParam("operationName");
            String variables = context.request().getParam("variables");
            if (variables != null && !variables.isBlank() && !jsonObject(variables)) {
                refuse(context, "variables", "must be a JSON object");
                return;
            }
        } else if (context.request().method() == HttpMethod.POST) {
            String type = context.request().getHeader("Content-Type");
            Buffer body = context.body().buffer();
            if (type != null && type.startsWith("application/graphql")) {
                query = body == null ? null : body.toString();
            } else {
                JsonNode request = fromJson(context, body);
                if (request == null) {
                    return;
                }
                query = request.path("query").asText("");
                operationName = request.path("operationName").isTextual() ? request.get("operationName").asText() : null;
            }
        } else {
            // SmallRye GraphQL would answer a 405 of its own, as plain JSON
            Problem problem = Problem.of(ProblemTypes.METHOD_NOT_ALLOWED, context.request().method().name()
                    + " is not served at " + PATH + "; send POST with {\"query\": \"...\"}")
                    .withTraceId(ProblemMappers.traceId());
            context.response().setStatusCode(405).putHeader("Allow", getEnabled ? "GET, POST" : "POST")
                    .putHeader("Content-Type", Problem.MEDIA_TYPE).end(Buffer.buffer(json(problem)));
            return;
        }
        if (query == null || query.isBlank()) {
            refuse(context, "query", "required: a GraphQL document");
            return;
        }
        String[] problem = limits(query, operationName, maxDepth, maxComplexity);
        if (problem != null) {
            refuse(context, problem[0], problem[1]);
            return;
        }
        context.next();
    }

    private static boolean jsonObject(String text) {
        try {
            JsonNode node = CloudEventCodec.mapper().readTree(text);
            return node != null && node.isObject();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * The request's JSON object, or null once it is refused: {@code query} a string, {@code operationName} a string,
     * {@code variables} and {@code extensions} objects (each may be absent or null). SmallRye GraphQL answered a
     * {@code variables} array with a 500.
     */
    private static JsonNode fromJson(RoutingContext context, Buffer body) {
        if (body == null || body.length() == 0) {
            refuse(context, "body", "required: {\"query\": \"...\", \"variables\": {...}}");
            return null;
        }
        JsonNode json;
        try {
            json = CloudEventCodec.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            refuse(context, "body", "not JSON");
            return null;
        }
        if (json == null || !json.isObject()) {
            refuse(context, "body", "must be a JSON object {\"query\": \"...\"}");
            return null;
        }
        for (String field : List.of("query", "operationName")) {
            JsonNode value = json.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                refuse(context, field, "must be a string");
                return null;
            }
        }
        for (String field : List.of("variables", "extensions")) {
            JsonNode value = json.get(field);
            if (value != null && !value.isNull() && !value.isObject()) {
                refuse(context, field, "must be a JSON object");
                return null;
            }
        }
        return json;
    }

    /**
     * The field and the reason a request is refused (the document's syntax, depth or size, an operation name the
     * document does not hold, or several operations and no name), or null when it may run.
     */
    static String[] limits(String query, String operationName, int maxDepth, int maxComplexity) {
        Document document;
        try {
            ParserOptions options = ParserOptions.getDefaultOperationParserOptions();
            document = new Parser().parseDocument(ParserEnvironment.newParserEnvironment().document(query)
                    .parserOptions(options).build());
        } catch (InvalidSyntaxException e) {
            var at = e.getLocation();
            return new String[] {"query", "not a GraphQL document" + (at == null ? "" : " (line " + at.getLine()
                    + ", column " + at.getColumn() + ")")};
        } catch (RuntimeException e) {
            // graphql-java's parser refuses documents with too many tokens with its own exception type
            return new String[] {"query", "not an acceptable GraphQL document (too long or too many tokens)"};
        }
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        for (Definition<?> d : document.getDefinitions()) {
            if (d instanceof FragmentDefinition f) {
                fragments.put(f.getName(), f);
            }
        }
        List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
        if (operationName != null && !operationName.isEmpty()
                && operations.stream().noneMatch(op -> operationName.equals(op.getName()))) {
            return new String[] {"operationName", "the document holds no operation named '"
                    + (operationName.length() > 100 ? operationName.substring(0, 100) + "..." : operationName) + "'"};
        }
        if ((operationName == null || operationName.isEmpty()) && operations.size() > 1) {
            return new String[] {"operationName", "required: the document holds " + operations.size() + " operations"};
        }
        for (Definition<?> d : document.getDefinitions()) {
            if (!(d instanceof OperationDefinition op) || introspectionOnly(op.getSelectionSet())) {
                continue;
            }
            Measure m = new Measure(fragments, maxComplexity);
            int depth = m.depth(op.getSelectionSet(), 0, new HashSet<>());
            if (m.fields > maxComplexity) {
                return new String[] {"query", "selects more than " + maxComplexity + " fields (fragments counted "
                        + "each time they are used); ask for less, or page"};
            }
            if (depth > maxDepth) {
                return new String[] {"query", "is " + depth + " levels deep; at most " + maxDepth + " are accepted"};
            }
        }
        return null;
    }

    private static boolean introspectionOnly(SelectionSet set) {
        if (set == null || set.getSelections().isEmpty()) {
            return false;
        }
        for (Selection<?> s : set.getSelections()) {
            if (!(s instanceof Field f) || !f.getName().startsWith("__")) {
                return false;
            }
        }
        return true;
    }

    /** Depth and field count of a selection set, fragments expanded (a fragment cycle is invalid anyway: cut). */
    private static final class Measure {
        private final Map<String, FragmentDefinition> fragments;
        private final int cap;
        int fields;

        Measure(Map<String, FragmentDefinition> fragments, int cap) {
            this.fragments = fragments;
            this.cap = cap;
        }

        int depth(SelectionSet set, int level, Set<String> spreading) {
            if (set == null || fields > cap) {
                return level;
            }
            int deepest = level;
            for (Selection<?> s : set.getSelections()) {
                if (s instanceof Field f) {
                    fields++;
                    deepest = Math.max(deepest, depth(f.getSelectionSet(), level + 1, spreading));
                } else if (s instanceof InlineFragment i) {
                    deepest = Math.max(deepest, depth(i.getSelectionSet(), level, spreading));
                } else if (s instanceof FragmentSpread spread) {
                    FragmentDefinition f = fragments.get(spread.getName());
                    if (f != null && spreading.add(spread.getName())) {
                        deepest = Math.max(deepest, depth(f.getSelectionSet(), level, spreading));
                        spreading.remove(spread.getName());
                    }
                }
            }
            return deepest;
        }
    }

    private static void refuse(RoutingContext context, String field, String message) {
        Problem problem = Problem.of(ProblemTypes.VALIDATION, field + ": " + message)
                .withViolations(List.of(new Problem.Violation(field, message)))
                .withTraceId(ProblemMappers.traceId());
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Buffer.buffer(json(problem)));
    }
}
