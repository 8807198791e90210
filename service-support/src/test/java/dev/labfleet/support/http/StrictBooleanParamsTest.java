package dev.labfleet.support.http;

import dev.labfleet.common.problem.Problem;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.RestQuery;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StrictBooleanParamsTest {

    @SuppressWarnings("unused")
    static class Resource {
        public void list(@QueryParam("isTemplate") Boolean template, @QueryParam("name") String name,
                         @RestQuery("counts") boolean counts, @QueryParam("limit") Integer limit) {
        }
    }

    private static Method list() throws NoSuchMethodException {
        return Resource.class.getMethod("list", Boolean.class, String.class, boolean.class, Integer.class);
    }

    private static MultivaluedMap<String, String> query(Map<String, String> values) {
        MultivaluedMap<String, String> q = new MultivaluedHashMap<>();
        values.forEach(q::add);
        return q;
    }

    @Test
    void onlyTheBooleanQueryParametersAreFound() throws Exception {
        assertThat(StrictBooleanParams.booleanParams(list())).containsExactly("isTemplate", "counts");
    }

    @Test
    void trueAndFalseInAnyCaseAndEmptyOrAbsentValuesPass() throws Exception {
        assertThat(StrictBooleanParams.problem(list(), query(Map.of("isTemplate", "TRUE", "counts", "false")))).isNull();
        assertThat(StrictBooleanParams.problem(list(), query(Map.of("isTemplate", "")))).isNull();
        assertThat(StrictBooleanParams.problem(list(), query(Map.of("name", "maybe", "limit", "x")))).isNull();
    }

    @Test
    void anyOtherWordIsAValidationProblemNamingTheParameter() throws Exception {
        Problem p = StrictBooleanParams.problem(list(), query(Map.of("isTemplate", "' OR '1'='1")));
        assertThat(p).isNotNull();
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("isTemplate");
            assertThat(v.message()).startsWith("must be true or false, not ");
        });
        assertThat(StrictBooleanParams.problem(list(), query(Map.of("counts", "1"))).violations())
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("counts"));
    }
}
