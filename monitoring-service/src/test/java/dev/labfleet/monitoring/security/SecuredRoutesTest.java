package dev.labfleet.monitoring.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.SecuredRoutesContract;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every route of monitoring-service declares its rule (common-api's {@link SecuredRoutesContract}). */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class SecuredRoutesTest implements SecuredRoutesContract {

    @Override
    public java.util.Set<String> publicOperations() {
        return java.util.Set.of("GET /dashboard"); // the page (a redirect to it): public, its data is not
    }
}
