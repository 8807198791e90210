package dev.labfleet.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonProblemsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    enum Kind { vpcs, qemu }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Node(String name, Integer x, Kind nodeType, UUID nodeId) {
    }

    record Spec(String name, List<Node> nodes) {
    }

    private static Problem problem(String json) {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> MAPPER.readValue(json, Spec.class));
        assertThat(e).as("reading %s fails", json).isNotNull();
        return JsonProblems.of(e, "JSON");
    }

    private static void noInternals(Problem problem) {
        assertThat(problem.toString()).doesNotContain("Source", "REDACTED", "dev.labfleet", "java.", "Spec`",
                "Exception", "`");
    }

    @Test
    void malformedJsonNamesTheLineAndColumnNotTheParsersSource() {
        Problem p = problem("{\"name\": \"a\",\n \"nodes\": [");
        assertThat(p.type().toString()).endsWith("/malformed-request");
        assertThat(p.detail()).startsWith("malformed JSON at line 2, column ");
        assertThat(p.extensions()).containsKeys("line", "column");
        noInternals(p);
        Problem q = problem("{\"name\": ");
        assertThat(q.detail()).startsWith("malformed JSON at line 1");
        noInternals(q);
    }

    @Test
    void aSecondValueAfterTheBodyIsMalformedWhereReadersRefuseTrailingTokens() {
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> strict.readValue("{\"name\": \"a\"}{\"name\": \"b\"}", Spec.class));
        assertThat(e).isNotNull();
        Problem p = JsonProblems.of(e, "JSON");
        assertThat(p.type().toString()).endsWith("/malformed-request");
        assertThat(p.detail()).startsWith("malformed JSON at line 1, column ")
                .endsWith("more than one JSON value; the body must hold exactly one");
        noInternals(p);
    }

    @Test
    void wrongTypesSayWhatWasExpectedAtWhichPath() {
        Problem list = problem("{\"nodes\": {\"a\": 1}}");
        assertThat(list.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("nodes");
            assertThat(v.message()).startsWith("expected a list, found an object");
        });
        noInternals(list);
        Problem body = problem("[1, 2]");
        assertThat(body.detail()).startsWith("the body: expected an object, found a list");
        noInternals(body);
        Problem number = problem("{\"nodes\": [{\"x\": 99999999999999999999}]}");
        assertThat(number.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("nodes[0].x");
            assertThat(v.message()).startsWith("expected an integer from -2147483648 to 2147483647");
        });
        noInternals(number);
        Problem kind = problem("{\"nodes\": [{\"node_type\": \"router\\u202e\"}]}");
        assertThat(kind.detail()).isEqualTo("nodes[0].node_type: expected one of vpcs, qemu, found \"router\\u202e\""
                + " (line 1, column 26)");
        noInternals(kind);
        Problem id = problem("{\"nodes\": [{\"node_id\": \"" + "x".repeat(500) + "\"}]}");
        assertThat(id.detail()).contains("expected a UUID").contains("...\"").hasSizeLessThan(200);
        Problem unknown = problem("{\"nodez\": []}");
        assertThat(unknown.detail()).isEqualTo("nodez: unknown field 'nodez'");
    }

    @Test
    void clientValuesAreQuotedAndEscaped() {
        assertThat(JsonProblems.quote("a\"b\\c\u0000\u202e")).isEqualTo("\"a\\\"b\\\\c\\u0000\\u202e\"");
        assertThat(JsonProblems.quote("x".repeat(100))).hasSize(60 + 5);
    }
}
