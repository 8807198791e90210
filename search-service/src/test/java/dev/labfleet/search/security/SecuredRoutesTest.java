package dev.labfleet.search.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.SecuredRoutesContract;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every route of search-service declares its rule (common-api's {@link SecuredRoutesContract}). */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class SecuredRoutesTest implements SecuredRoutesContract {
}
