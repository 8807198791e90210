package dev.labfleet.search;

import dev.labfleet.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

/** Health (against the real PostgreSQL, Redis and Kafka), metrics, OpenAPI and problem answers of this service. */
@QuarkusTest
class SearchBasicsTest implements ServiceBasicsContract {
}
