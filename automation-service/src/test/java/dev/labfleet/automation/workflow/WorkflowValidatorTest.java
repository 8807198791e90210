package dev.labfleet.automation.workflow;

import dev.labfleet.common.problem.Problem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowValidatorTest {

    private static StepSpec step(String id, String kind, List<String> dependsOn) {
        return new StepSpec(id, kind, null, null, dependsOn, null, null, null, null, null, null, null, null, 1.0, null,
                null, null, null, null, null, null);
    }

    @Test
    void dependenciesOrderTheStepsAndACycleIsNamed() {
        List<Problem.Violation> v = new ArrayList<>();
        List<StepSpec> order = WorkflowValidator.check(new WorkflowDefinition("w", null, null, List.of(
                step("c", "wait", List.of("b")), step("a", "wait", null), step("b", "wait", List.of("a")))), v);
        assertThat(v).isEmpty();
        assertThat(order).extracting(StepSpec::id).containsExactly("a", "b", "c");

        v.clear();
        WorkflowValidator.check(new WorkflowDefinition("w", null, null, List.of(
                step("a", "wait", List.of("c")), step("b", "wait", List.of("a")), step("c", "wait", List.of("b")))), v);
        assertThat(v).hasSize(1);
        assertThat(v.get(0).field()).isEqualTo("steps[0] (a).dependsOn");
        assertThat(v.get(0).message()).isEqualTo("dependency cycle: a -> c -> b -> a");
    }

    @Test
    void unknownKindsDuplicateIdsAndMissingFieldsAreNamed() {
        List<Problem.Violation> v = new ArrayList<>();
        WorkflowValidator.check(new WorkflowDefinition("w", null, null, List.of(
                step("a", "reboot", null), step("a", "wait", null),
                new StepSpec("s", "snapshot", "retry", null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null))), v);
        assertThat(v).extracting(Problem.Violation::field).containsExactly("steps[1] (a).id", "steps[0] (a).kind",
                "steps[2] (s).retries", "steps[2] (s).name");
    }
}
