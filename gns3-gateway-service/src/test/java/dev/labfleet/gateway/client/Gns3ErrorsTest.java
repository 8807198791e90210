package dev.labfleet.gateway.client;

import dev.labfleet.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class Gns3ErrorsTest {

    static final UUID SERVER = UUID.randomUUID();

    static ProblemException client(int status, String body) {
        return Gns3Errors.clientError(SERVER, "lab-1", "nodes.create", status, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void schemaErrorsBecomeValidationProblemsWithFieldsAndWithoutTheRequestEcho() {
        ProblemException e = client(400, "{\"message\": \"JSON schema error with API request '/v2/projects/x/nodes' and "
                + "JSON data '{'name': 'X1', 'node_type': 'vpcs'}': 'compute_id' is a required property\", \"status\": 400}");
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().violations()).extracting(v -> v.field()).containsExactly("compute_id");
        assertThat(e.problem().detail()).isEqualTo("GNS3 rejected the request: 'compute_id' is a required property")
                .doesNotContain("X1");
        ProblemException unexpected = client(400, "{\"message\": \"JSON schema error with API request '/v2/projects' and "
                + "JSON data '{'name': 'x', 'bogus': 1}': Additional properties are not allowed ('bogus' was unexpected)\"}");
        assertThat(unexpected.problem().violations()).extracting(v -> v.field()).containsExactly("bogus");
    }

    @Test
    void statusesKeepTheirMeaning() {
        assertThat(client(404, "{\"message\": \"Node ID 1 doesn't exist\", \"status\": 404}").problem())
                .satisfies(p -> {
                    assertThat(p.status()).isEqualTo(404);
                    assertThat(p.detail()).isEqualTo("Node ID 1 doesn't exist");
                    assertThat(p.context()).containsEntry("serverId", SERVER);
                });
        assertThat(client(409, "{\"message\": \"Port is already used\", \"status\": 409}").problem().detail())
                .isEqualTo("Port is already used");
        assertThat(client(403, "{\"message\": \"The project is not opened\", \"status\": 403}").problem().status())
                .isEqualTo(409);
        assertThat(client(403, "{\"message\": \"Forbidden to write outside the project\"}").problem().status())
                .isEqualTo(403);
        assertThat(client(404, "404: Not Found").problem().detail()).contains("no such resource");
        assertThat(client(401, "401: Unauthorized").problem().status()).isEqualTo(502);
    }

    @Test
    void serverErrorsNameTheServerNotTheTraceback() {
        ProblemException e = Gns3Errors.serverError(SERVER, "lab-1", "nodes.list", 500);
        assertThat(e.problem().status()).isEqualTo(502);
        assertThat(e.problem().detail()).isEqualTo("GNS3 server lab-1 failed on nodes.list (HTTP 500)");
    }
}
