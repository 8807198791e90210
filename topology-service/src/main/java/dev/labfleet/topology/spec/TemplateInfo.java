package dev.labfleet.topology.spec;

import java.util.Map;
import java.util.UUID;

/**
 * What validation and planning need to know about a template of the fleet catalogue.
 *
 * @param templateId   the GNS3 template id (the same on every server for GNS3's builtin templates)
 * @param name         the template's name, as specs refer to it
 * @param nodeType     the node type of the nodes it makes (GNS3's {@code template_type})
 * @param properties   node properties it sets that matter for ports ({@code adapters}, {@code ports_mapping}...)
 */
public record TemplateInfo(UUID templateId, String name, String nodeType, Map<String, Object> properties) {

    public TemplateInfo {
        properties = properties == null ? Map.of() : Util.orderedCopy(properties);
    }

    public static TemplateInfo of(String templateId, String name, String nodeType) {
        return new TemplateInfo(UUID.fromString(templateId), name, nodeType, Map.of());
    }
}
