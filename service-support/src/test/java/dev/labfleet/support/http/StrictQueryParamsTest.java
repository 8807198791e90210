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

class StrictQueryParamsTest {

    @SuppressWarnings("unused")
    static class Resource {
        public void list(@QueryParam("isTemplate") Boolean template, @QueryParam("name") String name,
                         @RestQuery("counts") boolean counts, @QueryParam("limit") Integer limit,
                         @QueryParam("serverId") java.util.UUID serverId) {
        }
    }

    private static Method list() throws NoSuchMethodException {
        return Resource.class.getMethod("list", Boolean.class, String.class, boolean.class, Integer.class,
                java.util.UUID.class);
    }

    private static MultivaluedMap<String, String> query(Map<String, String> values) {
        MultivaluedMap<String, String> q = new MultivaluedHashMap<>();
        values.forEach(q::add);
        return q;
    }

    @Test
    void onlyTheTypedQueryParametersAreFound() throws Exception {
        assertThat(StrictQueryParams.typedParams(list()).keySet()).containsExactly("isTemplate", "counts", "limit",
                "serverId");
    }

    @Test
    void trueAndFalseInAnyCaseAndEmptyOrAbsentValuesPass() throws Exception {
        assertThat(StrictQueryParams.problem(list(), query(Map.of("isTemplate", "TRUE", "counts", "false")))).isNull();
        assertThat(StrictQueryParams.problem(list(), query(Map.of("isTemplate", "")))).isNull();
        assertThat(StrictQueryParams.problem(list(), query(Map.of("name", "maybe", "limit", "25",
                "serverId", "0b3c7a0e-6a1f-4a58-9d55-0e1f2a3b4c5d")))).isNull();
    }

    @Test
    void anyOtherWordIsAValidationProblemNamingTheParameter() throws Exception {
        Problem p = StrictQueryParams.problem(list(), query(Map.of("isTemplate", "' OR '1'='1")));
        assertThat(p).isNotNull();
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("isTemplate");
            assertThat(v.message()).startsWith("must be true or false, not ");
        });
        assertThat(StrictQueryParams.problem(list(), query(Map.of("counts", "1"))).violations())
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("counts"));
    }

    @Test
    void aNumberOrAUuidThatIsNotOneIsAValidationProblemNamingTheParameter() throws Exception {
        assertThat(StrictQueryParams.problem(list(), query(Map.of("limit", "ten"))).violations())
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("limit");
                    assertThat(v.message()).isEqualTo("must be a whole number, not \"ten\"");
                });
        // out of an int's range, or a fraction: not a whole number JAX-RS could convert either
        assertThat(StrictQueryParams.problem(list(), query(Map.of("limit", "99999999999")))).isNotNull();
        assertThat(StrictQueryParams.problem(list(), query(Map.of("limit", "2.5")))).isNotNull();
        assertThat(StrictQueryParams.problem(list(), query(Map.of("serverId", "1-1-1-1-1"))).violations())
                .singleElement().satisfies(v -> assertThat(v.message()).startsWith("must be a UUID, not "));
    }
}
