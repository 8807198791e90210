package dev.labfleet.automation.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VariablesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void valuesAreCheckedAgainstTheirTypesAndEveryProblemIsNamed() throws Exception {
        List<VariableSpec> specs = List.of(
                new VariableSpec("ip", "ip", true, null, null, null),
                new VariableSpec("count", "integer", false, json("2"), List.of(json("1"), json("2")), null),
                new VariableSpec("net", "cidr", false, null, null, null));
        Map<String, Object> ok = Variables.resolve(specs, Map.of("ip", json("\"10.0.0.1\"")), "variables");
        assertThat(ok).containsEntry("ip", "10.0.0.1").containsEntry("count", 2L).doesNotContainKey("net");

        ProblemException e = catchThrowableOfType(ProblemException.class, () -> Variables.resolve(specs, Map.of(
                "count", json("3"), "net", json("\"10.0.0.0/33\""), "typo", json("1")), "variables"));
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().violations()).extracting(v -> v.field())
                .containsExactlyInAnyOrder("variables.typo", "variables.ip", "variables.count", "variables.net");
        assertThat(e.problem().detail()).doesNotContain("Exception");
    }

    @Test
    void declarationsAreChecked() throws Exception {
        assertThat(Variables.check(List.of(new VariableSpec("node", "string", null, null, null, null),
                new VariableSpec("a", "string", null, null, null, null),
                new VariableSpec("a", "string", null, null, null, null),
                new VariableSpec("9x", "float", null, null, null, null),
                new VariableSpec("b", "boolean", null, json("\"yes\""), null, null)), "variables"))
                .extracting(v -> v.field())
                .containsExactly("variables[0].name", "variables[2].name", "variables[3].name", "variables[3].type",
                        "variables[4].default");
    }

    @Test
    void nodeFiltersMatchTypeTemplateGlobAndLabels() {
        NodeFilter filter = new NodeFilter(List.of("vpcs"), null, "PC?*", Map.of("role", "host"));
        assertThat(filter.matches("PC12", "vpcs", null, Map.of("role", "host"))).isTrue();
        assertThat(filter.matches("PC12", "qemu", null, Map.of("role", "host"))).isFalse();
        assertThat(filter.matches("R1", "vpcs", null, Map.of("role", "host"))).isFalse();
        assertThat(filter.matches("PC1", "vpcs", null, Map.of("role", "core"))).isFalse();
        assertThat(new NodeFilter(null, List.of("Cisco IOSv"), null, null).matches("R1", "qemu", "Cisco IOSv", null))
                .isTrue();
        assertThat(NodeFilter.ANY.matches("anything", "cloud", null, null)).isTrue();
    }
}
