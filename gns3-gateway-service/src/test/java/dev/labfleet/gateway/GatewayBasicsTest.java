package dev.labfleet.gateway;

import dev.labfleet.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

import java.util.Set;
import java.util.regex.Pattern;

/** Health (against the real PostgreSQL, Redis and Kafka), metrics, OpenAPI and problem answers of this service. */
@QuarkusTest
class GatewayBasicsTest implements ServiceBasicsContract {

    /**
     * The GNS3 v2 bodies of the gateway's GNS3 API (common-api's {@code dev.labfleet.common.gns3} records), in GNS3's
     * own snake_case (docs/api.md, JSON casing); the server registry's records are camelCase.
     */
    @Override
    public Set<String> gns3Schemas() {
        return Set.of("ComputeView", "ConsoleView", "CreateDrawingRequest", "CreateLinkRequest",
                "CreateNodeFromTemplateRequest", "CreateNodeRequest", "CreateProjectRequest", "DrawingView",
                "DuplicateProjectRequest", "LinkEndpoint", "LinkView", "NodeView", "PortView", "ProjectView",
                "SnapshotView", "StartCaptureRequest", "TemplateView", "UpdateLinkRequest", "UpdateProjectRequest",
                "UpdateNodeRequest", "UpdateDrawingRequest", "DuplicateNodeRequest", "CreateSnapshotRequest",
                "ProjectStatsView", "VersionView");
    }

    /** GNS3's own API through the gateway: its paths and query parameters are GNS3's. */
    @Override
    public Pattern gns3Paths() {
        return Pattern.compile("/api/v1/servers/\\{serverId}/(projects|computes|templates|version)(/.*)?");
    }
}
