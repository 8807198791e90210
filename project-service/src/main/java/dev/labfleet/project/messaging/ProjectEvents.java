package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.outbox.Outbox;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.service.ProjectState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;

/** Writes {@code lab.project.*} events to the outbox; call inside the transaction that made the change. */
@ApplicationScoped
public class ProjectEvents {

    static final URI SOURCE = URI.create("/labfleet/project-service");

    private final Outbox outbox;

    public ProjectEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public Uni<Void> publish(String type, Project project) {
        return publish(type, project, CloudEventCodec.mapper().valueToTree(ProjectState.of(project)));
    }

    public Uni<Void> publish(String type, Project project, JsonNode data) {
        String key = project.id.toString();
        return outbox.append(Topics.LAB_PROJECTS, key, CloudEvent.of(SOURCE, type, key, data));
    }
}
