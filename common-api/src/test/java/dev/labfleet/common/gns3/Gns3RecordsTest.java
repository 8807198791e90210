package dev.labfleet.common.gns3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class Gns3RecordsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void nodeViewReadsGns3SnakeCaseAndIgnoresWhatItDoesNotModel() throws Exception {
        String gns3 = """
                {"command_line": "", "compute_id": "local", "console": 5000, "console_auto_start": false,
                 "console_host": "127.0.0.1", "console_type": "telnet", "custom_adapters": [], "height": 59,
                 "name": "PC1", "node_id": "217e2af2-fc0a-4836-a3ae-fcea8cf7e52c", "node_type": "vpcs",
                 "ports": [{"adapter_number": 0, "data_link_types": {"Ethernet": "DLT_EN10MB"}, "link_type": "ethernet",
                            "name": "Ethernet0", "port_number": 0, "short_name": "e0"}],
                 "project_id": "9ecbe4ef-51fd-49e5-9402-a56e873a0af5", "properties": {"startup_script": "set pcname PC1"},
                 "status": "stopped", "x": 10, "y": -20, "z": 1}""";
        NodeView node = mapper.readValue(gns3, NodeView.class);
        assertThat(node.nodeId()).isEqualTo(UUID.fromString("217e2af2-fc0a-4836-a3ae-fcea8cf7e52c"));
        assertThat(node.nodeType()).isEqualTo("vpcs");
        assertThat(node.consoleHost()).isEqualTo("127.0.0.1");
        assertThat(node.console()).isEqualTo(5000);
        assertThat(node.ports()).singleElement().satisfies(p -> {
            assertThat(p.adapterNumber()).isZero();
            assertThat(p.shortName()).isEqualTo("e0");
        });
        assertThat(node.properties().path("startup_script").asText()).isEqualTo("set pcname PC1");
    }

    @Test
    void requestsWriteGns3NamesAndLeaveOutNulls() {
        CreateLinkRequest link = new CreateLinkRequest(null, List.of(
                new LinkEndpoint(UUID.fromString("217e2af2-fc0a-4836-a3ae-fcea8cf7e52c"), 0, 0, null),
                new LinkEndpoint(UUID.fromString("b38d02b3-7b2f-456d-b67b-a29fecabf47d"), 0, 1, null)), null, null, null);
        JsonNode json = mapper.valueToTree(link);
        assertThat(json.has("link_id")).isFalse();
        assertThat(json.path("nodes").get(1).path("port_number").asInt()).isEqualTo(1);
        assertThat(json.path("nodes").get(0).path("adapter_number").isInt()).isTrue();

        JsonNode project = mapper.valueToTree(new CreateProjectRequest(null, "lab", true, null, null, null, null));
        assertThat(project.path("auto_close").asBoolean()).isTrue();
        assertThat(project.has("auto_open")).isFalse();
    }
}
