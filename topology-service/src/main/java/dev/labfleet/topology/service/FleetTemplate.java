package dev.labfleet.topology.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A template of the fleet-wide catalogue: GNS3 templates of every enabled server, merged by name and type. Cached in
 * Redis as JSON with these (snake_case) names.
 *
 * @param properties the template's settings that shape its nodes' ports ({@code adapters}, {@code ports_mapping}...)
 * @param servers    where it exists, with that server's template id (builtin templates have the same id everywhere)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetTemplate(String name, String templateType, String category, Boolean builtin,
                            Map<String, Object> properties, List<Location> servers) {

    /** The template on one server. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Location(UUID serverId, UUID templateId) {
    }

    /** The template's id on a server, or null when that server does not have it. */
    public UUID idOn(UUID serverId) {
        return servers.stream().filter(s -> s.serverId().equals(serverId)).map(Location::templateId)
                .findFirst().orElse(null);
    }
}
