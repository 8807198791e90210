package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.domain.AppliedTopology;
import dev.labfleet.topology.domain.LinkSuspension;
import dev.labfleet.topology.messaging.TopologyEvents;
import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.FieldChange;
import dev.labfleet.topology.plan.LinkChange;
import dev.labfleet.topology.plan.LiveTopology;
import dev.labfleet.topology.plan.TopologyPlanner;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TopologySpec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps suspended links suspended. GNS3 2.2 stores a link's filters in the project file but not its suspension, so a
 * lab closed and opened, or restored from a snapshot, comes back with every link active (docs/real-gns3.md). This
 * remembers each explicit suspend and resume, and after an open or a restore suspends again every link that the
 * applied spec, or a later explicit suspend, says is suspended (an explicit resume after the apply wins over the
 * spec). It writes {@code lab.topology.links-resuspended} naming each link it suspended and why.
 */
@ApplicationScoped
public class LinkSuspensions {

    private static final Logger LOG = Logger.getLogger(LinkSuspensions.class);

    private final LabClient labs;
    private final GatewayClient gateway;
    private final LabTopologyService topology;
    private final TemplateCatalogueService templates;
    private final AppliedTopologyRepository applied;
    private final TopologyCache cache;
    private final TopologyEvents events;

    public LinkSuspensions(LabClient labs, GatewayClient gateway, LabTopologyService topology,
                           TemplateCatalogueService templates, AppliedTopologyRepository applied, TopologyCache cache,
                           TopologyEvents events) {
        this.labs = labs;
        this.gateway = gateway;
        this.topology = topology;
        this.templates = templates;
        this.applied = applied;
        this.cache = cache;
        this.events = events;
    }

    /** Records an explicit suspend or resume of a link, made on GNS3 just before. */
    public Uni<Void> remember(UUID projectId, UUID linkId, boolean suspended) {
        return Panache.withTransaction(() -> LinkSuspension.<LinkSuspension>findById(linkId).chain(row -> {
            LinkSuspension r = row != null ? row : new LinkSuspension();
            r.linkId = linkId;
            r.projectId = projectId;
            r.suspended = suspended;
            r.changedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return row != null ? Uni.createFrom().voidItem() : r.persist().replaceWithVoid();
        }));
    }

    /** Forgets a deleted lab's explicit suspensions. */
    public Uni<Void> forget(UUID projectId) {
        return Panache.withTransaction(() -> LinkSuspension.delete("projectId", projectId)).replaceWithVoid();
    }

    /** One link suspended again, and why: {@code spec} (the applied spec says so) or {@code explicit}. */
    public record Resuspended(UUID linkId, String description, String source) {
    }

    /**
     * Suspends again the links that should be and are not, after {@code trigger} (the event type that said the lab
     * was opened or restored). Answers what it suspended; writes the event only when it suspended something.
     */
    public Uni<List<Resuspended>> restore(UUID projectId, String trigger) {
        Uni<AppliedTopology> lastApplied = Panache.withSession(() -> applied.findById(projectId));
        Uni<List<LinkSuspension>> explicit = Panache.withSession(() ->
                LinkSuspension.<LinkSuspension>list("projectId", projectId));
        return lastApplied.chain(row -> explicit.chain(rows -> topology.live(projectId).chain(lab ->
                specSuspended(projectId, row, lab.topology()).chain(bySpec -> {
                    OffsetDateTime appliedAt = row == null ? null : row.appliedAt;
                    Map<UUID, Resuspended> wanted = new LinkedHashMap<>();
                    bySpec.forEach((id, description) -> wanted.put(id, new Resuspended(id, description, "spec")));
                    for (LinkSuspension r : rows) {
                        if (appliedAt != null && !r.changedAt.isAfter(appliedAt)) {
                            continue; // the apply since then set the link as its spec says
                        }
                        if (r.suspended) {
                            wanted.putIfAbsent(r.linkId, new Resuspended(r.linkId, null, "explicit"));
                        } else {
                            wanted.remove(r.linkId);
                        }
                    }
                    List<Resuspended> todo = new ArrayList<>();
                    for (LiveTopology.Link link : lab.topology().links()) {
                        Resuspended want = wanted.get(link.linkId());
                        if (want != null && !link.suspend()) {
                            todo.add(want);
                        }
                    }
                    if (todo.isEmpty()) {
                        return Uni.createFrom().item(List.<Resuspended>of());
                    }
                    return suspend(projectId, todo, trigger);
                }))));
    }

    /** The live links the applied spec has suspended and GNS3 does not: the plan's suspend-only updates. */
    private Uni<Map<UUID, String>> specSuspended(UUID projectId, AppliedTopology row, LiveTopology live) {
        if (row == null) {
            return Uni.createFrom().item(Map.of());
        }
        return templates.catalogue().map(catalogue -> {
            TopologySpec spec = SpecCodec.parse(row.spec, SpecCodec.Format.JSON);
            SpecResolver.Result resolved = new SpecResolver(catalogue).resolve(spec);
            Map<UUID, String> ids = new LinkedHashMap<>();
            if (!resolved.valid()) {
                LOG.infof("lab %s: the applied spec no longer resolves (%s %s); only explicit suspensions are kept",
                        projectId, resolved.violations().get(0).field(), resolved.violations().get(0).message());
                return ids;
            }
            for (LinkChange change : TopologyPlanner.plan(projectId, resolved.topology(), live).links(Action.UPDATE)) {
                for (FieldChange field : change.changes()) {
                    if (field.field().equals("suspend") && Boolean.TRUE.equals(field.to())) {
                        ids.put(change.linkId(), change.description());
                    }
                }
            }
            return ids;
        });
    }

    private Uni<List<Resuspended>> suspend(UUID projectId, List<Resuspended> todo, String trigger) {
        return labs.project(projectId).chain(project -> {
            UUID serverId = UUID.fromString(project.path("serverId").asText());
            ObjectNode body = CloudEventCodec.mapper().createObjectNode().put("suspend", true);
            return Multi.createFrom().iterable(todo).onItem().transformToUni(r -> gateway.put(serverId,
                                    "/projects/" + projectId + "/links/" + r.linkId(), body,
                                    "suspend link " + r.linkId() + " again")
                            .replaceWith(r))
                    .merge(4).collect().asList();
        }).call(done -> {
            ObjectNode data = CloudEventCodec.mapper().createObjectNode().put("project_id", projectId.toString())
                    .put("trigger", trigger);
            ArrayNode links = data.putArray("links");
            for (Resuspended r : done) {
                ObjectNode link = links.addObject().put("link_id", r.linkId().toString()).put("source", r.source());
                if (r.description() != null) {
                    link.put("description", r.description());
                }
            }
            LOG.infof("lab %s: %d link(s) suspended again after %s", projectId, done.size(), trigger);
            return Panache.withTransaction(() -> events.publish(projectId, EventTypes.LAB_LINKS_RESUSPENDED,
                    projectId.toString(), data)).call(() -> cache.invalidate(projectId));
        });
    }
}
