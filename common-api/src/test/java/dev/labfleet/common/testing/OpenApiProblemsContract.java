package dev.labfleet.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API contract clients rely on, read from the service's own {@code /q/openapi}: every operation documents the
 * {@code application/problem+json} answers it can give, with the shared {@code Problem} schema: 401, 403, 429 on
 * {@code /api/}, 400 when it takes parameters or a body, 404 when its path names a resource, 409 when it changes
 * state, 413 and 415 when it takes a body, and 502, 503 and 504 always (an upstream failing, unavailable or late; the
 * edge answers them too when no replica does). A service whose {@link #successResponsesHaveSchemas()} is on also
 * documents a schema for every 2xx answer with a body.
 */
public interface OpenApiProblemsContract {

    Set<String> MUTATING = Set.of("post", "put", "patch", "delete");
    Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    /** Whether every 2xx answer but 204 must name its body's schema (project-service: its Response-typed routes). */
    default boolean successResponsesHaveSchemas() {
        return false;
    }

    @Test
    default void everyOperationDocumentsItsProblemResponses() throws Exception {
        JsonNode doc = openApi();
        JsonNode problem = doc.path("components").path("schemas").path("Problem");
        assertThat(problem.path("properties").has("type") && problem.path("properties").has("status")
                && problem.path("properties").has("detail")).as("components.schemas.Problem (RFC 7807)").isTrue();
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                for (String status : expected(path.getKey(), op.getKey(), path.getValue(), op.getValue())) {
                    JsonNode response = op.getValue().path("responses").path(status);
                    String ref = response.path("content").path("application/problem+json").path("schema").path("$ref")
                            .asText("");
                    if (!ref.endsWith("/Problem")) {
                        missing.add(op.getKey().toUpperCase() + " " + path.getKey() + ": " + status);
                    }
                }
            }
        }
        assertThat(operations).as("operations in /q/openapi").isPositive();
        assertThat(missing).as("problem+json responses missing from the OpenAPI document").isEmpty();
    }

    @Test
    default void successResponsesNameTheirSchemas() throws Exception {
        if (!successResponsesHaveSchemas()) {
            return;
        }
        JsonNode doc = openApi();
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().path("responses").fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> response = rs.next();
                    if (!response.getKey().startsWith("2") || response.getKey().equals("204")) {
                        continue;
                    }
                    JsonNode content = response.getValue().path("content");
                    boolean named = content.size() > 0;
                    for (JsonNode media : content) {
                        JsonNode schema = media.path("schema");
                        named &= schema.has("$ref") || schema.has("type") || schema.has("items");
                    }
                    if (!named) {
                        missing.add(op.getKey().toUpperCase() + " " + path.getKey() + ": " + response.getKey());
                    }
                }
            }
        }
        assertThat(missing).as("2xx responses without a body schema").isEmpty();
    }

    private static JsonNode openApi() throws Exception {
        String body = RestAssured.given().accept(ContentType.JSON).queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        return new ObjectMapper().readTree(body);
    }

    /** The problem statuses an operation must document (written out here, apart from the filter that adds them). */
    private static List<String> expected(String path, String method, JsonNode pathItem, JsonNode operation) {
        boolean body = operation.has("requestBody");
        boolean parameters = operation.path("parameters").size() > 0 || pathItem.path("parameters").size() > 0
                || path.contains("{");
        List<String> statuses = new ArrayList<>();
        if (parameters || body) {
            statuses.add("400");
        }
        if (path.startsWith("/api/")) {
            statuses.addAll(List.of("401", "403", "429"));
        }
        if (path.contains("{")) {
            statuses.add("404");
        }
        if (MUTATING.contains(method)) {
            statuses.add("409");
        }
        if (body) {
            statuses.addAll(List.of("413", "415"));
        }
        statuses.addAll(List.of("502", "503", "504"));
        return statuses;
    }
}
