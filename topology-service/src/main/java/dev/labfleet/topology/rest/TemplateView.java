package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.service.FleetTemplate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A template of the fleet-wide catalogue: GNS3 templates of every enabled server, merged by name and type.
 *
 * @param properties the template's settings that shape its nodes' ports ({@code adapters}, {@code ports_mapping}...)
 * @param servers    where it exists, with that server's template id (builtin templates have the same id everywhere)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(examples = "{\"name\": \"VPCS\", \"template_type\": \"vpcs\", \"category\": \"guest\", \"builtin\": true,"
        + " \"servers\": [{\"server_id\": \"5e4e0000-0000-4000-8000-000000000001\","
        + " \"template_id\": \"19021f99-e36f-394d-b4a1-8aaa902ab9cc\"}]}")
public record TemplateView(String name, String templateType, String category, Boolean builtin,
                           Map<String, Object> properties, List<ServerTemplate> servers) {

    /** The template on one server. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ServerTemplate(UUID serverId, UUID templateId) {
    }

    public static TemplateView of(FleetTemplate t) {
        return new TemplateView(t.name(), t.templateType(), t.category(), t.builtin(), t.properties(),
                t.servers() == null ? null : t.servers().stream()
                        .map(s -> new ServerTemplate(s.serverId(), s.templateId())).toList());
    }
}
