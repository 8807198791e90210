package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the bridge reads GNS3 notifications, and which open a project's own stream ({@link ServerStreams}). */
class NotificationBridgeTest {

    @Test
    void aProjectCreatedOrOpenedOnGns3IsHeardAtOnce() {
        // GNS3 2.2 creates projects opened and only says project.created (09-notifications.json)
        assertThat(ServerStreams.opensStream("project.created", "opened")).isTrue();
        assertThat(ServerStreams.opensStream("project.opened", "opened")).isTrue();
        assertThat(ServerStreams.opensStream("project.updated", "opened")).isTrue();
    }

    @Test
    void closedProjectsAndOtherNotificationsOpenNothing() {
        assertThat(ServerStreams.opensStream("project.created", "closed")).isFalse();
        assertThat(ServerStreams.opensStream("project.updated", "closed")).isFalse();
        assertThat(ServerStreams.opensStream("project.closed", "closed")).isFalse();
        assertThat(ServerStreams.opensStream("compute.updated", null)).isFalse();
        assertThat(ServerStreams.opensStream("node.created", "opened")).isFalse();
    }

    @Test
    void aNotificationsEventIsKeptAsGns3WroteItWithItsIdsPickedOut() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String event = "{\"node_id\": \"n-1\", \"name\": \"PC \\\"1\\\"\", \"ports\": [{\"link_id\": \"inner\"}],"
                + " \"project_id\": \"p-1\", \"status\": \"started\", \"x\": 1.5}";
        Gns3Notification n = Gns3Notification.read(json.getFactory(), "{\"action\": \"node.updated\", \"event\": "
                + event + "}");
        assertThat(n.action()).isEqualTo("node.updated");
        assertThat(n.projectId()).isEqualTo("p-1");
        assertThat(n.subjectId()).isEqualTo("n-1");
        assertThat(n.status()).isEqualTo("started");
        // written into the CloudEvent as the same JSON GNS3 sent
        assertThat(json.writeValueAsString(n.event())).isEqualTo(event);
        assertThat(json.readTree(json.writeValueAsString(json.createObjectNode().set("data", n.event()))))
                .isEqualTo(json.readTree("{\"data\": " + event + "}"));

        Gns3Notification ping = Gns3Notification.read(json.getFactory(), "{\"event\": [1, {\"a\": 2}], \"action\": \"ping\"}");
        assertThat(ping.projectId()).isNull();
        assertThat(ping.subjectId()).isNull();
        assertThat(json.writeValueAsString(ping.event())).isEqualTo("[1, {\"a\": 2}]");
        assertThat(Gns3Notification.read(json.getFactory(), "{\"action\": \"x\", \"event\": \"text\"}").event().asText())
                .isEqualTo("text");

        assertThat(Gns3Notification.read(json.getFactory(), "{\"event\": {}}")).isNull();
        assertThat(Gns3Notification.read(json.getFactory(), "{\"action\": \"node.updated\", \"event\": {")).isNull();
        assertThat(Gns3Notification.read(json.getFactory(), "[1]")).isNull();
    }
}
