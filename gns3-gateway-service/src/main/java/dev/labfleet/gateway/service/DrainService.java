package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.domain.Gns3Server;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Draining a server for maintenance: placement skips a draining server (every strategy, pinned included), while the
 * labs on it keep working until they are moved (project-service's evacuation). Draining twice keeps the first time
 * and reason; undraining a server that is not draining is a no-op. The labs still on the server are what its GNS3
 * lists, read live, so they are right whoever moved or deleted them.
 */
@ApplicationScoped
public class DrainService {

    private static final Logger LOG = Logger.getLogger(DrainService.class);

    private final ServerService servers;
    private final ServerDirectory directory;
    private final Gns3Client client;
    private final ObjectMapper mapper;

    public DrainService(ServerService servers, ServerDirectory directory, Gns3Client client, ObjectMapper mapper) {
        this.servers = servers;
        this.directory = directory;
        this.client = client;
        this.mapper = mapper;
    }

    public Uni<DrainState> drain(UUID serverId, String reason) {
        return Panache.withTransaction(() -> servers.find(serverId).invoke(server -> {
            if (!server.draining) {
                server.draining = true;
                // as PostgreSQL keeps it (microseconds), so the answer and later reads agree
                server.drainingSince = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                server.drainReason = reason == null || reason.isBlank() ? null : reason.strip();
                LOG.infof("GNS3 server %s (%s) is draining%s", server.name, server.id,
                        server.drainReason == null ? "" : ": " + server.drainReason);
            }
        })).invoke(() -> directory.invalidate(serverId)).chain(this::view);
    }

    public Uni<DrainState> undrain(UUID serverId) {
        return Panache.withTransaction(() -> servers.find(serverId).invoke(server -> {
            if (server.draining) {
                LOG.infof("GNS3 server %s (%s) is no longer draining", server.name, server.id);
            }
            server.draining = false;
            server.drainingSince = null;
            server.drainReason = null;
        })).invoke(() -> directory.invalidate(serverId)).chain(this::view);
    }

    public Uni<DrainState> status(UUID serverId) {
        return Panache.withSession(() -> servers.find(serverId)).chain(this::view);
    }

    private Uni<DrainState> view(Gns3Server server) {
        Uni<List<DrainState.Lab>> labs = Uni.createFrom().deferred(() -> client.send(directory.toEndpoint(server),
                        Gns3Request.get("/projects", "drain.projects")))
                .map(response -> labs(response.body().getBytes()));
        return labs.map(list -> new DrainState(server.id, server.name, server.draining, server.drainingSince,
                        server.drainReason, list, null))
                .onFailure().recoverWithItem(e -> new DrainState(server.id, server.name,
                        server.draining, server.drainingSince, server.drainReason, null,
                        "the labs on it are unknown: " + (e instanceof ProblemException p ? p.problem().detail()
                                : "its GNS3 could not be asked")));
    }

    private List<DrainState.Lab> labs(byte[] body) {
        List<DrainState.Lab> labs = new ArrayList<>();
        try {
            for (JsonNode p : mapper.readTree(body)) {
                try {
                    labs.add(new DrainState.Lab(UUID.fromString(p.path("project_id").asText()),
                            p.path("name").asText(null), p.path("status").asText(null)));
                } catch (IllegalArgumentException e) {
                    // a project id GNS3 would never give: not a lab we can name
                }
            }
        } catch (IOException e) {
            throw ProblemException.upstream("GNS3's project list is not JSON");
        }
        labs.sort(Comparator.comparing(DrainState.Lab::name, Comparator.nullsLast(String::compareTo)));
        return labs;
    }
}
