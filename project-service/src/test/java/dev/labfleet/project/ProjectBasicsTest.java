package dev.labfleet.project;

import dev.labfleet.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

/** Health (against the real PostgreSQL, Redis and Kafka), metrics, OpenAPI and problem answers of this service. */
@QuarkusTest
class ProjectBasicsTest implements ServiceBasicsContract {

    /** #19 item 15: project-service's Response-typed routes name their bodies' schemas too. */
    @Override
    public boolean successResponsesHaveSchemas() {
        return true;
    }
}
