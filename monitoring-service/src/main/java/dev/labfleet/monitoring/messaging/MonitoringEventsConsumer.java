package dev.labfleet.monitoring.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.monitoring.model.FleetModel;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads {@code lab.monitoring} back (every replica, its own group) into the live model and so into the streams. */
@ApplicationScoped
public class MonitoringEventsConsumer {

    private final FleetModel model;

    public MonitoringEventsConsumer(FleetModel model) {
        this.model = model;
    }

    @Incoming("lab-monitoring")
    public void consume(CloudEvent event) {
        if (event == null || event.type() == null || event.data() == null) {
            return;
        }
        JsonNode data = event.data();
        switch (event.type()) {
            case MonitoringEvents.TRAFFIC_SAMPLED -> {
                JsonNode lab = data.path("lab");
                String projectId = lab.path("projectId").asText(null);
                if (projectId == null || model.lab(projectId) == null) {
                    return;
                }
                for (JsonNode link : data.path("links")) {
                    model.publish("traffic", link.path("linkId").asText(), projectId, link, true);
                }
                model.publish("labTraffic", projectId, projectId, lab, true);
            }
            case MonitoringEvents.ACTIVE_LAB_SWITCHED -> {
                String to = data.path("toProjectId").asText(null);
                model.publish("switch", data.path("id").asText(), to, data, false);
                model.publish("activeLab", "fleet", null, data, true);
            }
            case MonitoringEvents.LAB_HEALTH -> {
                String projectId = data.path("projectId").asText(null);
                if (projectId != null && model.lab(projectId) != null) {
                    model.publish("health", projectId, projectId, data, true);
                }
            }
            case MonitoringEvents.ANOMALY_OPENED, MonitoringEvents.ANOMALY_UPDATED -> model.publish("anomaly",
                    data.path("id").asText(), data.path("projectId").asText(null), data,
                    !"resolved".equals(data.path("status").asText()));
            case MonitoringEvents.INCIDENT_RECORDED -> model.publish("incident", data.path("id").asText(),
                    data.path("projectId").asText(null), data, false);
            default -> {
                // other lab.monitoring events: nothing to show
            }
        }
    }
}
