package dev.labfleet.support.openapi;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents the problem responses of every operation of every service in one place (registered for all services by
 * service-support's {@code mp.openapi.filter}), so that no resource has to repeat them: each operation gets the
 * {@code application/problem+json} answers it can give (RFC 7807, the {@code Problem} schema) by what it takes:
 * <ul>
 * <li>401, 403 and 429 on every {@code /api/} operation (a bearer token; a role or the lab's group; the guard's
 * rate limit, {@code labfleet.guard.*});</li>
 * <li>400 when it takes parameters or a body (a malformed value, a violated constraint, with field paths);</li>
 * <li>404 when its path names a resource ({@code {projectId}}...);</li>
 * <li>409 when it changes state (POST, PUT, PATCH, DELETE: the resource's state forbids it, a name taken, a lock);</li>
 * <li>413 and 415 when it takes a body (over the route's size limit; a media type it does not read);</li>
 * <li>502, 503 and 504 everywhere: an upstream (GNS3, the gateway, another Labfleet service) failed, is unavailable
 * or timed out, and the edge itself answers them when no replica of the service does.</li>
 * </ul>
 * No operation documents 500 (an answer no client can act on, and a bug when it happens). What a resource declares itself (a
 * response code with its own description) is kept; a declared 4xx/5xx without content gets the problem content.
 * {@link #PROBLEM_RULES} is the rule, which {@code OpenApiProblemsContract} checks in each service's test.
 */
public class ProblemResponsesFilter implements OASFilter {

    public static final String PROBLEM_SCHEMA = "Problem";
    public static final String PROBLEM_MEDIA_TYPE = "application/problem+json";
    static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM_SCHEMA;

    /** The rule, written out for the service READMEs and the contract test. */
    public static final String PROBLEM_RULES = "401/403/429 on /api/, 400 with parameters or a body, 404 with path "
            + "parameters, 409 on POST/PUT/PATCH/DELETE, 413/415 with a body, 502/503/504 always";

    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("400", "The request is malformed or violates a constraint (problem+json; `violations` name "
                + "each field by its path)");
        DESCRIPTIONS.put("401", "No valid bearer token");
        DESCRIPTIONS.put("403", "The token lacks the role, or the lab's group, this operation needs");
        DESCRIPTIONS.put("429", "Rate limited (Retry-After and the RateLimit headers say when to retry)");
        DESCRIPTIONS.put("404", "No such resource (the problem names it)");
        DESCRIPTIONS.put("409", "The resource's current state forbids this (a name taken, a lock held, a status)");
        DESCRIPTIONS.put("413", "The body is larger than this route accepts");
        DESCRIPTIONS.put("415", "The body's media type is not one this operation reads");
        DESCRIPTIONS.put("502", "An upstream (GNS3, the gateway, another Labfleet service) answered with an error");
        DESCRIPTIONS.put("503", "An upstream is unavailable (its breaker open, no replica, no capacity); retry later");
        DESCRIPTIONS.put("504", "An upstream did not answer in time");
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        if (components.getSchemas() == null || !components.getSchemas().containsKey(PROBLEM_SCHEMA)) {
            components.addSchema(PROBLEM_SCHEMA, problemSchema());
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            PathItem pathItem = item;
            if (pathItem.getOperations() == null) {
                return;
            }
            pathItem.getOperations().forEach((method, operation) ->
                    document(path, method.name(), operation, pathItem.getParameters()));
        });
    }

    /** The problem statuses an operation can answer, by the rule above. */
    public static List<String> statuses(String path, String method, boolean hasParameters, boolean hasBody) {
        List<String> statuses = new ArrayList<>();
        if (hasParameters || hasBody) {
            statuses.add("400");
        }
        if (path.startsWith("/api/")) {
            statuses.add("401");
            statuses.add("403");
            statuses.add("429");
        }
        if (path.contains("{")) {
            statuses.add("404");
        }
        if (List.of("POST", "PUT", "PATCH", "DELETE").contains(method)) {
            statuses.add("409");
        }
        if (hasBody) {
            statuses.add("413");
            statuses.add("415");
        }
        statuses.addAll(List.of("502", "503", "504"));
        return statuses;
    }

    private static void document(String path, String method, Operation operation, List<Parameter> pathParameters) {
        boolean hasParameters = (operation.getParameters() != null && !operation.getParameters().isEmpty())
                || (pathParameters != null && !pathParameters.isEmpty()) || path.contains("{");
        boolean hasBody = operation.getRequestBody() != null;
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        for (String status : statuses(path, method, hasParameters, hasBody)) {
            APIResponse existing = responses.getAPIResponse(status);
            if (existing == null) {
                responses.addAPIResponse(status, OASFactory.createAPIResponse()
                        .description(DESCRIPTIONS.get(status)).content(problemContent()));
            } else if (existing.getRef() == null && (existing.getContent() == null
                    || existing.getContent().getMediaTypes() == null || existing.getContent().getMediaTypes().isEmpty())) {
                existing.setContent(problemContent());
                if (existing.getDescription() == null || existing.getDescription().isBlank()) {
                    existing.setDescription(DESCRIPTIONS.get(status));
                }
            }
        }
    }

    private static Content problemContent() {
        MediaType media = OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF));
        return OASFactory.createContent().addMediaType(PROBLEM_MEDIA_TYPE, media);
    }

    private static Schema problemSchema() {
        Schema violation = OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("One failed field: its path in the request and what is wrong with it")
                .addProperty("field", string("Path of the field in the request, e.g. `nodes[2].name`"))
                .addProperty("message", string("What is wrong with it"));
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 7807 problem detail, the body of every 4xx and 5xx answer. Further members give "
                        + "context (`projectId`, `serverId`, `leftOut`...).")
                .addProperty("type", string("URI naming the kind of problem").format("uri"))
                .addProperty("title", string("Short, stable summary of the type"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                        .description("The HTTP status"))
                .addProperty("detail", string("What went wrong this time, precise enough to act on"))
                .addProperty("instance", string("The request path").format("uri"))
                .addProperty("traceId", string("The request's trace, to find its logs"))
                .addProperty("violations", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(violation).description("The failed fields, for validation problems"))
                .required(List.of("type", "title", "status")); // further members allowed: JSON Schema's default
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
