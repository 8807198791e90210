package dev.labfleet.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventCodecTest {

    @Test
    void roundTripKeepsEveryAttribute() {
        ObjectNode data = CloudEventCodec.mapper().createObjectNode().put("node_id", "n1").put("status", "started");
        CloudEvent event = CloudEvent.of(URI.create("/labfleet/gateway"), EventTypes.gns3("node.updated"), "p1", data);

        CloudEvent back = CloudEventCodec.fromJson(CloudEventCodec.toJson(event));

        assertThat(back).isEqualTo(event);
        assertThat(back.type()).isEqualTo("gns3.node.updated");
    }

    @Test
    void writesStructuredModeJsonWithSpecAttributeNames() throws Exception {
        CloudEvent event = CloudEvent.of(URI.create("/s"), "lab.project.created", "p1",
                CloudEventCodec.mapper().createObjectNode().put("name", "lab"));

        JsonNode json = CloudEventCodec.mapper().readTree(CloudEventCodec.toBytes(event));

        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.get("time").asText()).endsWith("Z");
        assertThat(json.get("data").get("name").asText()).isEqualTo("lab");
    }

    @Test
    void rejectsOtherSpecVersionsAndMissingAttributes() {
        assertThatThrownBy(() -> CloudEventCodec.fromJson(
                "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("specversion");
        assertThatThrownBy(() -> CloudEventCodec.fromJson("{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> CloudEventCodec.fromJson("{not json"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void projectDataDeserializerSkipsTheDataOfOtherTypesOnly() {
        com.fasterxml.jackson.databind.node.ObjectNode data = CloudEventCodec.mapper().createObjectNode()
                .put("project_id", "p1").put("status", "opened");
        CloudEvent project = CloudEvent.of(URI.create("/s"), "gns3.project.opened", "p1", data);
        CloudEvent node = CloudEvent.of(URI.create("/s"), "gns3.node.created", "n1", data);
        CloudEventDeserializer projectData = new CloudEventDeserializer.ProjectData();
        assertThat(projectData.deserialize("gns3.events", CloudEventCodec.toBytes(project))).isEqualTo(project);
        CloudEvent lean = projectData.deserialize("gns3.events", CloudEventCodec.toBytes(node));
        assertThat(lean.data()).isNull();
        assertThat(lean).isEqualTo(new CloudEvent(node.specversion(), node.id(), node.source(), node.type(),
                node.subject(), node.time(), node.datacontenttype(), node.dataschema(), null));
        // extension attributes are skipped, wherever they are
        assertThat(CloudEventCodec.fromJson("{\"x\":{\"a\":[1]},\"specversion\":\"1.0\",\"id\":\"1\","
                + "\"source\":\"/s\",\"type\":\"t\",\"data\":[1,2]}").data().size()).isEqualTo(2);
    }

    @Test
    void dataschemaIsWrittenBeforeDataAndReadBack() {
        CloudEvent event = CloudEvent.of(URI.create("/s"), EventTypes.LAB_PROJECT_DELETED, "p1",
                CloudEventCodec.mapper().createObjectNode().put("projectId", "p1"));
        assertThat(event.dataschema()).isEqualTo(URI.create("urn:labfleet:schema:lab.project.deleted:1"));
        String json = CloudEventCodec.toJson(event);
        assertThat(json.indexOf("\"dataschema\":\"urn:labfleet:schema:lab.project.deleted:1\""))
                .isPositive().isLessThan(json.indexOf("\"data\":"));
        assertThat(json.indexOf("\"type\"")).isLessThan(json.indexOf("\"data\":"));
        assertThat(CloudEventCodec.fromJson(json)).isEqualTo(event);
        // events written before dataschema existed still read, without it
        assertThat(CloudEventCodec.fromJson("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}")
                .dataschema()).isNull();
        assertThat(EventSchemas.resource(event.dataschema()))
                .isEqualTo("META-INF/resources/asyncapi/schemas/events/lab.project.deleted.v1.json");
        assertThat(EventSchemas.resource(URI.create("https://example.org/x.json"))).isNull();
    }

    @Test
    void kafkaSerdeRoundTripsAndPassesNullThrough() {
        CloudEvent event = CloudEvent.of(URI.create("/s"), "t.e.v", null, null);
        byte[] bytes = new CloudEventSerializer().serialize("topic", event);
        assertThat(new CloudEventDeserializer().deserialize("topic", bytes)).isEqualTo(event);
        assertThat(new CloudEventSerializer().serialize("topic", null)).isNull();
        assertThat(new CloudEventDeserializer().deserialize("topic", null)).isNull();
    }
}
