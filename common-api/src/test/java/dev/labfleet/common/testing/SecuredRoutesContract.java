package dev.labfleet.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of a service declares who may call it: run by each service's security test
 * ({@code @QuarkusTest @TestProfile(SecuredProfile.class)}). It walks the service's own OpenAPI document and calls
 * every operation: without a token each non-public one answers 401 (problem+json, {@code WWW-Authenticate: Bearer}),
 * so a route added without a rule (denied by {@code deny-unannotated-endpoints}) or opened by mistake fails here; with
 * a viewer's token every mutating one answers 403. The public routes ({@code /q/health}, {@code /q/metrics},
 * {@code /q/openapi}) answer without one.
 */
public interface SecuredRoutesContract {

    Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    Set<String> MUTATING = Set.of("post", "put", "patch", "delete");

    /** Operations ({@code "GET /dashboard"}) that are public on purpose. */
    default Set<String> publicOperations() {
        return Set.of();
    }

    /** Mutating operations a viewer may call (none by default). */
    default Set<String> viewerMutations() {
        return Set.of();
    }

    record Call(String method, String path, String template, String contentType) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + template;
        }
    }

    default List<Call> operations() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(RestAssured.given().accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        List<Call> calls = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())
                        || path.getKey().startsWith("/test/")) { // test-only probes of a module's own tests
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                op.getValue().path("parameters").forEach(parameters::add);
                String concrete = concrete(path.getKey(), parameters);
                Iterator<String> media = op.getValue().path("requestBody").path("content").fieldNames();
                calls.add(new Call(op.getKey(), concrete, path.getKey(), media.hasNext() ? media.next() : null));
            }
        }
        assertThat(calls).as("operations in the OpenAPI document").isNotEmpty();
        return calls;
    }

    private static String concrete(String template, List<JsonNode> parameters) {
        Matcher m = PARAMETER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            JsonNode schema = null;
            for (JsonNode p : parameters) {
                if (name.equals(p.path("name").asText()) && "path".equals(p.path("in").asText())) {
                    schema = p.path("schema");
                }
            }
            String value;
            String pattern = schema == null ? "" : schema.path("pattern").asText("");
            if (!pattern.isEmpty() && pattern.matches("[A-Za-z_|-]+")) {
                value = pattern.split("\\|")[0];
            } else if (schema != null && ("integer".equals(schema.path("type").asText())
                    || "number".equals(schema.path("type").asText()))) {
                value = "1";
            } else {
                value = UUID.randomUUID().toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Response call(Call call, String token) {
        RequestSpecification request = RestAssured.given().redirects().follow(false);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (call.contentType() != null) {
            // bytes: RestAssured encodes them for any content type (YAML, zip...), a String only for the ones it knows
            request.contentType(call.contentType()).body((call.contentType().contains("json") ? "{}" : "")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (MUTATING.contains(call.method())) {
            // an operation without a request body gets an empty one, typed as JSON (what clients send, and what a
            // resource that consumes JSON by default accepts): a type it does not consume would be a 415 before the
            // role check
            request.contentType("application/json").body(new byte[0]);
            Response answer = request.request(call.method().toUpperCase(), call.path());
            if (answer.statusCode() != 415) {
                return answer;
            }
            // a route whose body the document does not describe (a raw upload): as a stream of bytes
            RequestSpecification raw = RestAssured.given().redirects().follow(false)
                    .contentType("application/octet-stream").body(new byte[0]);
            if (token != null) {
                raw.header("Authorization", "Bearer " + token);
            }
            return raw.request(call.method().toUpperCase(), call.path());
        }
        return request.request(call.method().toUpperCase(), call.path());
    }

    @Test
    default void everyNonPublicRouteAnswers401WithoutAToken() throws Exception {
        List<String> open = new ArrayList<>();
        for (Call call : operations()) {
            if (publicOperations().contains(call.toString())) {
                continue;
            }
            Response answer = call(call, null);
            if (answer.statusCode() != 401 || !answer.contentType().startsWith("application/problem+json")
                    || !"Bearer".equals(answer.header("WWW-Authenticate"))) {
                open.add(call + " (" + call.path() + ") answered " + answer.statusCode() + " " + answer.contentType());
            }
        }
        assertThat(open).as("routes that did not ask for a token").isEmpty();
    }

    @Test
    default void aViewerGets403OnEveryMutatingRoute() throws Exception {
        String viewer = TestIssuer.viewer("vera");
        List<String> allowed = new ArrayList<>();
        for (Call call : operations()) {
            if (!MUTATING.contains(call.method()) || publicOperations().contains(call.toString())
                    || viewerMutations().contains(call.toString())) {
                continue;
            }
            Response answer = call(call, viewer);
            if (answer.statusCode() != 403 || !answer.contentType().startsWith("application/problem+json")) {
                allowed.add(call + " answered " + answer.statusCode());
            }
        }
        assertThat(allowed).as("mutating routes a viewer was not refused").isEmpty();
    }

    @Test
    default void publicRoutesAnswerWithoutAToken() {
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/q/metrics").then().statusCode(200);
        RestAssured.given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    default void badTokensAre401Problems() throws Exception {
        Call read = operations().stream().filter(c -> c.method().equals("get") && !c.template().contains("{")
                && !publicOperations().contains(c.toString())).findFirst().orElseThrow();
        for (String token : List.of(TestIssuer.expired("eve", "admin"), TestIssuer.forged("eve", "admin"),
                TestIssuer.otherIssuer("eve", "admin"), "not-a-jwt")) {
            Response answer = call(read, token);
            assertThat(answer.statusCode()).as(read + " with a bad token").isEqualTo(401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(answer.asString()).doesNotContain(token).doesNotContain("Exception").doesNotContain("jose4j");
        }
        Response ok = call(read, TestIssuer.admin("ada"));
        assertThat(ok.statusCode()).as(read + " with an admin's token").isNotIn(401, 403);
    }
}
