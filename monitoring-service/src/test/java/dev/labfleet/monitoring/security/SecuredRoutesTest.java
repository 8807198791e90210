package dev.labfleet.monitoring.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.SecuredRoutesContract;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import java.util.Set;

/**
 * Every route of monitoring-service declares its rule (common-api's {@link SecuredRoutesContract}): 401 without a
 * token, 403 to a viewer on every change. Public: the dashboard page's redirect.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(MonitoringStandIn.class)
class SecuredRoutesTest implements SecuredRoutesContract {

    @Override
    public Set<String> publicOperations() {
        return Set.of("GET /dashboard");
    }
}
