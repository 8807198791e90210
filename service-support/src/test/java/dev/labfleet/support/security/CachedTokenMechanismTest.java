package dev.labfleet.support.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Authorization headers the cached-token mechanism reads a token from (anything else goes to quarkus-oidc). */
class CachedTokenMechanismTest {

    @Test
    void readsTheTokenOfABearerHeaderInAnyCase() {
        assertThat(CachedTokenMechanism.bearer("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(CachedTokenMechanism.bearer("bearer abc.def.ghi ")).isEqualTo("abc.def.ghi");
        assertThat(CachedTokenMechanism.bearer("BEARER abc")).isEqualTo("abc");
    }

    @Test
    void leavesEverythingElseToOidc() {
        assertThat(CachedTokenMechanism.bearer(null)).isNull();
        assertThat(CachedTokenMechanism.bearer("")).isNull();
        assertThat(CachedTokenMechanism.bearer("Bearer")).isNull();
        assertThat(CachedTokenMechanism.bearer("Bearer    ")).isNull();
        assertThat(CachedTokenMechanism.bearer("Basic dXNlcjpwYXNz")).isNull();
        assertThat(CachedTokenMechanism.bearer("DPoP abc.def.ghi")).isNull();
        assertThat(CachedTokenMechanism.bearer("Bearerabc")).isNull();
    }
}
