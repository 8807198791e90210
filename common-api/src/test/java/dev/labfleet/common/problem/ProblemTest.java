package dev.labfleet.common.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    record Node(@NotBlank String name) {
    }

    record Spec(@Size(max = 3) String title, List<@Valid Node> nodes) {
    }

    @Test
    void serialisesContextMembersAtTopLevelAndOmitsEmptyOnes() throws Exception {
        Problem problem = Problem.of(ProblemTypes.NOT_FOUND, "project p1 does not exist").with("projectId", "p1");

        JsonNode json = new ObjectMapper().valueToTree(problem);

        assertThat(json.get("type").asText()).isEqualTo("https://labfleet.dev/problems/not-found");
        assertThat(json.get("status").asInt()).isEqualTo(404);
        assertThat(json.get("projectId").asText()).isEqualTo("p1");
        assertThat(json.has("violations")).isFalse();
        assertThat(json.has("context")).isFalse();
    }

    @Test
    void readsBackExtensionMembers() throws Exception {
        Problem back = new ObjectMapper().readValue(
                "{\"type\":\"https://labfleet.dev/problems/conflict\",\"title\":\"t\",\"status\":409,\"detail\":\"d\",\"serverId\":\"s1\"}",
                Problem.class);
        assertThat(back.status()).isEqualTo(409);
        assertThat(back.extensions()).containsEntry("serverId", "s1");
    }

    @Test
    void violationPathsNameTheClientsFieldsNotJavaInternals() {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        Set<ConstraintViolation<Spec>> violations = validator.validate(
                new Spec("too long", List.of(new Node("ok"), new Node(" "))));

        List<String> paths = violations.stream().map(v -> FieldPaths.of(v.getPropertyPath())).sorted().toList();

        assertThat(paths).containsExactly("nodes[1].name", "title");
    }

    @Test
    void statusesMapToKinds() {
        assertThat(ProblemTypes.forStatus(503)).isEqualTo(ProblemTypes.UPSTREAM_UNAVAILABLE);
        assertThat(ProblemTypes.forStatus(504)).isEqualTo(ProblemTypes.UPSTREAM_TIMEOUT);
        assertThat(ProblemTypes.forStatus(500)).isEqualTo(ProblemTypes.INTERNAL);
        assertThat(ProblemTypes.forStatus(422).status()).isEqualTo(422);
    }
}
