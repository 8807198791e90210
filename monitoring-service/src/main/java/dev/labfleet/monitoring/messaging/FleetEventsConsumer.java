package dev.labfleet.monitoring.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.monitoring.model.FleetModel;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds the live model from {@code gns3.events} (GNS3 notifications bridged by the gateway, its resyncs and server
 * health) and {@code lab.projects} (lab names and tags). Each replica reads every partition with a consumer group of
 * its own, so it can serve any client; the model is rebuilt from the gateway when partitions are assigned
 * ({@link ResyncOnAssignment}).
 */
@ApplicationScoped
public class FleetEventsConsumer {

    private static final Logger LOG = Logger.getLogger(FleetEventsConsumer.class);
    private static final String SERVER_SOURCE = "urn:labfleet:gns3-server:";

    private final FleetModel model;
    private final dev.labfleet.monitoring.service.Detectors detectors;
    private final List<java.util.function.Consumer<CloudEvent>> listeners = new ArrayList<>();

    public FleetEventsConsumer(FleetModel model, dev.labfleet.monitoring.service.Detectors detectors) {
        this.model = model;
        this.detectors = detectors;
    }

    @Incoming("gns3-events")
    public void gns3(CloudEvent event) {
        if (event == null || event.type() == null) {
            return;
        }
        try {
            apply(event);
        } catch (RuntimeException e) {
            LOG.debugf("gns3.events: %s skipped (%s)", event.type(), e.getMessage());
        }
    }

    void apply(CloudEvent event) {
        JsonNode data = event.data();
        String source = event.source() == null ? "" : event.source().toString();
        String serverId = source.startsWith(SERVER_SOURCE) ? source.substring(SERVER_SOURCE.length()) : null;
        String type = event.type();
        if (data == null) {
            return;
        }
        switch (type) {
            case "gns3.node.created", "gns3.node.updated" -> model.node(serverId, data);
            case "gns3.node.deleted" -> model.nodeDeleted(text(data, "project_id"), text(data, "node_id"));
            case "gns3.link.created", "gns3.link.updated" -> model.link(serverId, data);
            case "gns3.link.deleted" -> model.linkDeleted(text(data, "project_id"), text(data, "link_id"));
            case "gns3.project.created", "gns3.project.updated", "gns3.project.opened", "gns3.project.closed" ->
                    model.project(serverId, data);
            case "gns3.project.deleted" -> {
                String id = text(data, "project_id");
                if (id != null) {
                    model.labDeleted(id);
                }
            }
            case EventTypes.GNS3_PROJECT_RESYNCED -> model.replaceLab(
                    text(data, "serverId") != null ? text(data, "serverId") : serverId, data.path("project"),
                    data.path("nodes"), data.path("links"));
            case "gns3.compute.updated" -> {
                String compute = text(data, "compute_id");
                if (serverId != null && (compute == null || compute.equals("local"))) {
                    model.serverLoad(serverId, number(data, "cpu_usage_percent"), number(data, "memory_usage_percent"));
                }
            }
            case "gns3.ping" -> {
                if (serverId != null) {
                    model.serverLoad(serverId, number(data, "cpu_usage_percent"), number(data, "memory_usage_percent"));
                }
            }
            case EventTypes.GNS3_SERVER_HEALTH_CHANGED -> {
                String id = text(data, "serverId");
                if (id != null) {
                    model.serverHealth(id, text(data, "name"), text(data, "url"), text(data, "status"),
                            data.hasNonNull("latencyMs") ? data.get("latencyMs").asLong() : null, null,
                            text(data, "error"));
                }
            }
            default -> {
                // other notifications (drawings, templates...) do not change the monitored model
            }
        }
        for (var l : listeners) {
            l.accept(event);
        }
    }

    /** Something else that wants every gns3.events record after the model saw it (anomalies, health). */
    public void listen(java.util.function.Consumer<CloudEvent> listener) {
        listeners.add(listener);
    }

    @Incoming("lab-projects")
    public void labProjects(CloudEvent event) {
        if (event == null || event.data() == null || event.type() == null) {
            return;
        }
        JsonNode data = event.data();
        String id = text(data, "projectId");
        if (id == null) {
            return;
        }
        if (event.type().equals(EventTypes.LAB_PROJECT_STOPPED) || event.type().equals(EventTypes.LAB_PROJECT_CLOSED)
                || event.type().equals(EventTypes.LAB_PROJECT_DELETED)) {
            detectors.intent(id); // the node stops around it were asked for
        }
        if (event.type().equals(EventTypes.LAB_PROJECT_DELETED)) {
            model.labDeleted(id);
            return;
        }
        List<String> tags = null;
        if (data.path("tags").isArray()) {
            tags = new ArrayList<>();
            for (JsonNode t : data.get("tags")) {
                tags.add(t.asText());
            }
        }
        model.labMeta(id, text(data, "serverId"), text(data, "name"), tags);
        model.labOwner(id, text(data, "owner"));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }
}
