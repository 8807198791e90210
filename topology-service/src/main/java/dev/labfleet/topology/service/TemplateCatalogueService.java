package dev.labfleet.topology.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.page.FleetList;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TemplateInfo;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The fleet-wide template catalogue: the templates of every enabled GNS3 server (through the gateway), merged by
 * name and type, each with the servers that have it and their template ids. Cached in Redis for
 * {@code labfleet.topology.cache.templates-ttl}; GNS3's builtin templates are always part of it, so specs naming
 * them work even when no server answers.
 */
@ApplicationScoped
public class TemplateCatalogueService {

    private static final Logger LOG = Logger.getLogger(TemplateCatalogueService.class);
    private static final TypeReference<List<FleetTemplate>> TEMPLATES = new TypeReference<>() {
    };
    /** Template settings that shape a node's ports, as {@link NodeTypes#layout} reads them. */
    private static final List<String> PORT_PROPERTIES = List.of("adapters", "ports_mapping", "ethernet_adapters",
            "serial_adapters");

    private final GatewayClient gateway;
    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final TopologyConfig config;

    public TemplateCatalogueService(GatewayClient gateway, ReactiveRedisDataSource redis, ObjectMapper mapper,
                                    TopologyConfig config) {
        this.gateway = gateway;
        this.values = redis.value(String.class);
        this.mapper = mapper;
        this.config = config;
    }

    /** The catalogue specs resolve templates against: the fleet's templates, then the builtins; builtins alone when the fleet cannot be read. */
    public Uni<TemplateCatalogue> catalogue() {
        return fleet().map(TemplateCatalogueService::toCatalogue)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("template catalogue: the fleet's templates cannot be read (%s); builtins only", e.getMessage());
                    return TemplateCatalogue.builtin();
                });
    }

    /** Every template of the fleet, by name; cached. */
    public Uni<List<FleetTemplate>> fleet() {
        return fleetList().map(FleetList::items);
    }

    /**
     * Every template of the reachable servers, and the servers left out with why (a server down never fails the
     * catalogue). Only a complete catalogue is cached, so a server that comes back shows at the next read.
     */
    public Uni<FleetList<FleetTemplate>> fleetList() {
        String key = config.cache().keyPrefix() + "templates";
        return values.get(key).onFailure().recoverWithNull().chain(hit -> {
            List<FleetTemplate> cached = parse(hit);
            if (cached != null) {
                return Uni.createFrom().item(new FleetList<>(cached, List.of()));
            }
            return load().call(loaded -> loaded.leftOut().isEmpty() ? store(key, loaded.items())
                    : Uni.createFrom().voidItem());
        });
    }

    /**
     * The template a request names (by name, by one of its ids, or by case-insensitive name) and its id on one
     * server; a 400 on {@code field} when the fleet has no such template or that server lacks it.
     */
    public Uni<ServerTemplate> resolve(String field, String nameOrId, UUID serverId) {
        return fleet().onFailure().recoverWithItem(List.of()).map(templates -> {
            FleetTemplate found = find(templates, nameOrId).orElse(null);
            if (found == null) {
                TemplateInfo builtin = TemplateCatalogue.builtin().find(nameOrId).orElse(null);
                if (builtin != null) {
                    return new ServerTemplate(builtin.templateId(), builtin.name(), builtin.nodeType());
                }
                throw ProblemException.invalid(field, "no template '" + nameOrId + "' in the fleet's catalogue");
            }
            UUID id = found.idOn(serverId);
            if (id == null) {
                throw ProblemException.invalid(field, "template '" + found.name() + "' is not on the lab's GNS3 server "
                        + serverId);
            }
            return new ServerTemplate(id, found.name(), found.templateType());
        });
    }

    /** A template as one server has it. */
    public record ServerTemplate(UUID templateId, String name, String nodeType) {
    }

    static Optional<FleetTemplate> find(List<FleetTemplate> templates, String nameOrId) {
        if (nameOrId == null) {
            return Optional.empty();
        }
        String wanted = nameOrId.trim();
        for (FleetTemplate t : templates) {
            if (t.name().equals(wanted)) {
                return Optional.of(t);
            }
        }
        for (FleetTemplate t : templates) {
            if (t.servers().stream().anyMatch(s -> s.templateId().toString().equalsIgnoreCase(wanted))) {
                return Optional.of(t);
            }
        }
        String folded = wanted.toLowerCase(Locale.ROOT);
        return templates.stream().filter(t -> t.name().toLowerCase(Locale.ROOT).equals(folded)).findFirst();
    }

    private static TemplateCatalogue toCatalogue(List<FleetTemplate> templates) {
        List<TemplateInfo> infos = new ArrayList<>();
        for (FleetTemplate t : templates) {
            for (FleetTemplate.Location s : t.servers()) {
                infos.add(new TemplateInfo(s.templateId(), t.name(), t.templateType(), t.properties()));
            }
        }
        infos.addAll(TemplateCatalogue.BUILTIN);
        return TemplateCatalogue.of(infos);
    }

    /** One server's template list, or why there is none. */
    private record ServerTemplates(UUID serverId, JsonNode list, String failure) {
    }

    /** Every enabled server's templates, merged; servers that fail are left out (and the result is not cached). */
    private Uni<FleetList<FleetTemplate>> load() {
        return gateway.servers().chain(servers -> {
            List<UUID> enabled = new ArrayList<>();
            for (ServerView s : servers) {
                if (s.enabled() && s.id() != null) {
                    enabled.add(s.id());
                }
            }
            if (enabled.isEmpty()) {
                return Uni.createFrom().item(new FleetList<FleetTemplate>(List.of(), List.of()));
            }
            List<Uni<ServerTemplates>> reads = new ArrayList<>();
            for (UUID serverId : enabled) {
                reads.add(gateway.get(serverId, "/templates", "list templates")
                        .map(list -> new ServerTemplates(serverId, list, null))
                        .onFailure().recoverWithItem(e -> {
                            String why = e instanceof ProblemException p ? p.problem().detail()
                                    : dev.labfleet.common.problem.UpstreamProblems.describe(e);
                            LOG.warnf("template catalogue: server %s left out (%s)", serverId, why);
                            return new ServerTemplates(serverId, null, why);
                        }));
            }
            return Uni.join().all(reads).andFailFast().map(TemplateCatalogueService::merge);
        });
    }

    private static FleetList<FleetTemplate> merge(List<ServerTemplates> lists) {
        Map<String, FleetTemplate> merged = new LinkedHashMap<>();
        List<FleetList.LeftOut> leftOut = new ArrayList<>();
        for (ServerTemplates list : lists) {
            if (list.list() == null) {
                leftOut.add(new FleetList.LeftOut(list.serverId(), list.failure()));
                continue;
            }
            for (JsonNode t : list.list()) {
                String name = t.path("name").asText();
                String type = t.path("template_type").asText();
                UUID id;
                try {
                    id = UUID.fromString(t.path("template_id").asText());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                FleetTemplate.Location where = new FleetTemplate.Location(list.serverId(), id);
                merged.merge(name + "\u0000" + type, view(t, name, type, where), (a, b) -> {
                    List<FleetTemplate.Location> servers = new ArrayList<>(a.servers());
                    servers.addAll(b.servers());
                    return new FleetTemplate(a.name(), a.templateType(), a.category(), a.builtin(), a.properties(),
                            List.copyOf(servers));
                });
            }
        }
        List<FleetTemplate> sorted = new ArrayList<>(merged.values());
        sorted.sort(java.util.Comparator.comparing((FleetTemplate v) -> v.name().toLowerCase(Locale.ROOT))
                .thenComparing(FleetTemplate::templateType));
        return new FleetList<>(sorted, leftOut);
    }

    private static FleetTemplate view(JsonNode t, String name, String type, FleetTemplate.Location where) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String key : PORT_PROPERTIES) {
            if (t.hasNonNull(key)) {
                properties.put(key, dev.labfleet.common.event.CloudEventCodec.mapper().convertValue(t.get(key), Object.class));
            }
        }
        return new FleetTemplate(name, type, t.path("category").asText(null),
                t.has("builtin") ? t.get("builtin").asBoolean() : null, properties, List.of(where));
    }

    private Uni<Void> store(String key, List<FleetTemplate> templates) {
        try {
            String json = mapper.writeValueAsString(templates);
            return values.setex(key, Math.max(1, config.cache().templatesTtl().toSeconds()), json)
                    .onFailure().recoverWithNull().replaceWithVoid();
        } catch (IOException e) {
            return Uni.createFrom().voidItem();
        }
    }

    private List<FleetTemplate> parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, TEMPLATES);
        } catch (IOException e) {
            return null;
        }
    }
}
