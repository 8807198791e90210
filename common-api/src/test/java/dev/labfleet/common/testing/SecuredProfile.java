package dev.labfleet.common.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/**
 * A service with authentication on ({@code @TestProfile(SecuredProfile.class)}), verifying tokens of the in-process
 * {@link TestIssuer}. Its own Quarkus start, so the functional tests of the same module keep running without tokens.
 */
public class SecuredProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TestIssuer.class));
    }

    @Override
    public String getConfigProfile() {
        return "test";
    }
}
