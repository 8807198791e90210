package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.gns3.LenientInteger;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.domain.AppliedTopology;
import dev.labfleet.topology.plan.Drift;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import dev.labfleet.topology.format.ExportFormat;
import dev.labfleet.topology.format.LiveSpecs;
import dev.labfleet.topology.format.TopologyExporter;
import dev.labfleet.topology.plan.LiveTopology;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.plan.TopologyPlanner;
import dev.labfleet.topology.spec.PortLayout;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TopologySpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A lab's live topology as a spec in any format, and the plan that would take it to a desired spec. */
@ApplicationScoped
public class LabTopologyService {

    private final LabClient labs;
    private final TemplateCatalogueService templates;
    private final AppliedTopologyRepository applied;
    private final TopologyCache cache;

    public LabTopologyService(LabClient labs, TemplateCatalogueService templates, AppliedTopologyRepository applied,
                              TopologyCache cache) {
        this.labs = labs;
        this.templates = templates;
        this.applied = applied;
        this.cache = cache;
    }

    /** The live lab: its name and topology. */
    public record LiveLab(String name, LiveTopology topology) {
    }

    /** The live lab read fresh from GNS3: what plans and drift compare against. */
    public Uni<LiveLab> live(UUID projectId) {
        return labs.project(projectId).chain(project -> {
            UUID serverId = UUID.fromString(project.path("serverId").asText());
            String name = project.path("name").asText(projectId.toString());
            return Uni.combine().all().unis(labs.nodes(serverId, projectId), labs.links(serverId, projectId))
                    .asTuple().map(t -> new LiveLab(name, toLive(t.getItem1(), t.getItem2())));
        });
    }

    /** The live lab through the Redis cache (cleared by gns3.events and by this service's writes): for exports. */
    private Uni<LiveLab> cachedLive(UUID projectId) {
        return labs.project(projectId).chain(project -> {
            UUID serverId = UUID.fromString(project.path("serverId").asText());
            String name = project.path("name").asText(projectId.toString());
            return Uni.combine().all().unis(cache.nodes(serverId, projectId), cache.links(serverId, projectId))
                    .asTuple().map(t -> new LiveLab(name, toLive(t.getItem1(), t.getItem2())));
        });
    }

    /** The live lab written as a spec, in {@code format}. */
    public Uni<String> export(UUID projectId, ExportFormat format) {
        return cachedLive(projectId).chain(lab -> templates.catalogue()
                .map(catalogue -> TopologyExporter.export(LiveSpecs.toSpec(lab.name(), lab.topology(), catalogue), format)));
    }

    /** What applying {@code specText} would do to the live lab; nothing is changed. Invalid specs: 400, every error. */
    public Uni<TopologyPlan> plan(UUID projectId, String specText, String mediaType) {
        TopologySpec spec = SpecCodec.parse(specText, SpecCodec.Format.ofMediaType(mediaType));
        return templates.catalogue().chain(catalogue -> {
            var resolved = new SpecResolver(catalogue).resolveOrThrow(spec);
            return live(projectId).map(lab -> TopologyPlanner.plan(projectId, resolved, lab.topology()));
        });
    }

    /** The spec last applied to the lab; 404 when none was. */
    public Uni<AppliedSpec> applied(UUID projectId) {
        return lastApplied(projectId).map(row -> new AppliedSpec(row.projectId, readTree(row.spec), row.status,
                row.appliedAt, row.appliedBy, row.changes, row.failures, row.durationMs));
    }

    /**
     * What differs between the live lab and the spec last applied to it: the plan that would converge it, as
     * differences. 404 when no spec was applied; 409 when that spec no longer resolves (a template it names is gone).
     */
    public Uni<LabDrift> drift(UUID projectId) {
        return lastApplied(projectId).chain(row -> templates.catalogue().chain(catalogue -> {
            TopologySpec spec = SpecCodec.parse(row.spec, SpecCodec.Format.JSON);
            SpecResolver.Result result = new SpecResolver(catalogue).resolve(spec);
            if (!result.valid()) {
                throw ProblemException.conflict("the spec last applied to lab " + projectId + " no longer resolves: "
                        + result.violations().get(0).field() + " " + result.violations().get(0).message());
            }
            return live(projectId).map(lab -> {
                List<Drift.Difference> differences = Drift.between(projectId, result.topology(), lab.topology());
                return new LabDrift(projectId, differences.isEmpty(), row.appliedAt, row.appliedBy, row.status,
                        differences);
            });
        }));
    }

    private Uni<AppliedTopology> lastApplied(UUID projectId) {
        return Panache.withSession(() -> applied.findById(projectId)).map(row -> {
            if (row == null) {
                throw ProblemException.notFound("no spec has been applied to lab " + projectId);
            }
            return row;
        });
    }

    private static JsonNode readTree(String json) {
        try {
            return CloudEventCodec.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored spec is not JSON", e);
        }
    }

    static LiveTopology toLive(JsonNode nodes, JsonNode links) {
        List<LiveTopology.Node> liveNodes = new ArrayList<>();
        for (JsonNode n : nodes) {
            List<PortLayout.Port> ports = new ArrayList<>();
            for (JsonNode p : n.path("ports")) {
                ports.add(new PortLayout.Port(p.path("name").asText(), p.path("short_name").asText(),
                        p.path("adapter_number").asInt(), p.path("port_number").asInt()));
            }
            Map<String, Object> properties = n.hasNonNull("properties")
                    ? CloudEventCodec.mapper().convertValue(n.get("properties"), LinkedHashMap.class) : Map.of();
            liveNodes.add(new LiveTopology.Node(UUID.fromString(n.path("node_id").asText()), n.path("name").asText(),
                    n.path("node_type").asText(), uuidOrNull(n.path("template_id")), properties,
                    LenientInteger.of(n.get("x")), LenientInteger.of(n.get("y")), ports));
        }
        List<LiveTopology.Link> liveLinks = new ArrayList<>();
        for (JsonNode l : links) {
            List<LiveTopology.Endpoint> ends = new ArrayList<>();
            for (JsonNode e : l.path("nodes")) {
                ends.add(new LiveTopology.Endpoint(UUID.fromString(e.path("node_id").asText()),
                        e.path("adapter_number").asInt(), e.path("port_number").asInt()));
            }
            Map<String, List<Object>> filters = new LinkedHashMap<>();
            l.path("filters").fields().forEachRemaining(f -> filters.put(f.getKey(),
                    CloudEventCodec.mapper().convertValue(f.getValue(), List.class)));
            liveLinks.add(new LiveTopology.Link(UUID.fromString(l.path("link_id").asText()), ends, filters,
                    l.path("suspend").asBoolean(false)));
        }
        return new LiveTopology(liveNodes, liveLinks);
    }

    private static UUID uuidOrNull(JsonNode node) {
        return node == null || node.isNull() || node.asText().isBlank() ? null : UUID.fromString(node.asText());
    }
}
