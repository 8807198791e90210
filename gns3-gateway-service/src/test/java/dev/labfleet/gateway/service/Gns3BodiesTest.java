package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Gns3BodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Problem.Violation> check(String body) throws Exception {
        List<Problem.Violation> violations = new ArrayList<>();
        Gns3Bodies.check(JSON.readTree(body), "", violations);
        return violations;
    }

    @Test
    void positionsBeyond32BitsAreRefusedWithTheField() throws Exception {
        assertThat(check("{\"x\": 99999999999999999999, \"y\": -2147483649, \"z\": 2147483648}"))
                .extracting(Problem.Violation::field).containsExactly("x", "y", "z");
        assertThat(check("{\"x\": 2147483647, \"y\": -2147483648, \"z\": 0}")).isEmpty();
        assertThat(check("{\"x\": 1.5}")).singleElement().satisfies(v ->
                assertThat(v.message()).isEqualTo("must be an integer from -2147483648 to 2147483647"));
    }

    @Test
    void drawingsLabelsAndLinkEndsFollowGns3sRanges() throws Exception {
        assertThat(check("{\"svg\": \"<svg/>\", \"z\": 99999999999999999999, \"rotation\": 361}"))
                .extracting(Problem.Violation::field).containsExactly("z", "rotation");
        assertThat(check("{\"label\": {\"x\": 5, \"y\": 99999999999999999999, \"text\": 3}}"))
                .extracting(Problem.Violation::field).containsExactly("label.y", "label.text");
        assertThat(check("{\"nodes\": [{\"node_id\": \"a\", \"adapter_number\": 0, \"port_number\": 4294967296},"
                + " \"b\"]}")).extracting(Problem.Violation::field)
                .containsExactly("nodes[0].port_number", "nodes[1]");
        assertThat(check("{\"console\": 70000}")).singleElement().satisfies(v ->
                assertThat(v.message()).isEqualTo("must be an integer from 1 to 65535 or null"));
        assertThat(check("{\"console\": null, \"properties\": {\"anything\": 99999999999999999999}}")).isEmpty();
    }

    @Test
    void namesFollowTheOneRule() throws Exception {
        assertThat(check("{\"name\": \"PC\\u00001\"}")).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("name");
            assertThat(v.message()).contains("U+0000");
        });
        assertThat(check("{\"name\": \"" + "n".repeat(100_000) + "\"}")).singleElement().satisfies(v ->
                assertThat(v.message()).startsWith("must be at most 100 characters"));
        assertThat(check("{\"name\": \"PC\\u200f1\"}")).hasSize(1);
        assertThat(check("{\"name\": {\"a\": 1}}")).singleElement().satisfies(v ->
                assertThat(v.message()).isEqualTo("must be a name (a string)"));
        assertThat(check("{\"name\": \"Zürich core-1\"}")).isEmpty();
    }

    @Test
    void aSnapshotOrDuplicateNeedsItsName() throws Exception {
        JsonNode none = JSON.readTree("{}");
        assertThatThrownBy(() -> Gns3Bodies.requireNamed(none)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().violations())
                        .extracting(Problem.Violation::field).containsExactly("name"));
        assertThatThrownBy(() -> Gns3Bodies.requireNamed(JSON.readTree("{\"name\": {\"a\": 1}}")))
                .isInstanceOf(ProblemException.class).hasMessage("name: must be a name (a string)");
        assertThatCode(() -> Gns3Bodies.requireNamed(JSON.readTree("{\"name\": \"before upgrade\"}")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Gns3Bodies.require(JSON.readTree("[1]"))).isInstanceOf(ProblemException.class)
                .hasMessage("body: must be a JSON object");
    }
}
