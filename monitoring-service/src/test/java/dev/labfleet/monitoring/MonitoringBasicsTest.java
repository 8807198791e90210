package dev.labfleet.monitoring;

import dev.labfleet.common.testing.ServiceBasicsContract;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health (against the real PostgreSQL, Redis and Kafka), metrics, OpenAPI and problem answers of this service. */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class MonitoringBasicsTest implements ServiceBasicsContract {
}
