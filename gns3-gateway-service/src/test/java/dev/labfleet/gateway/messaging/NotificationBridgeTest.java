package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which controller notifications open a project's own stream. */
class NotificationBridgeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode project(String status) {
        return JSON.createObjectNode().put("project_id", "2fc3fdc2-28fc-45fb-827f-49abc5564ca1").put("status", status);
    }

    @Test
    void aProjectCreatedOrOpenedOnGns3IsHeardAtOnce() {
        // GNS3 2.2 creates projects opened and only says project.created (09-notifications.json)
        assertThat(NotificationBridge.opensStream("project.created", project("opened"))).isTrue();
        assertThat(NotificationBridge.opensStream("project.opened", project("opened"))).isTrue();
        assertThat(NotificationBridge.opensStream("project.updated", project("opened"))).isTrue();
    }

    @Test
    void closedProjectsAndOtherNotificationsOpenNothing() {
        assertThat(NotificationBridge.opensStream("project.created", project("closed"))).isFalse();
        assertThat(NotificationBridge.opensStream("project.updated", project("closed"))).isFalse();
        assertThat(NotificationBridge.opensStream("project.closed", project("closed"))).isFalse();
        assertThat(NotificationBridge.opensStream("compute.updated", JSON.createObjectNode())).isFalse();
        assertThat(NotificationBridge.opensStream("node.created", project("opened"))).isFalse();
    }
}
