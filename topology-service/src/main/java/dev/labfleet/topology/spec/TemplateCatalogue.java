package dev.labfleet.topology.spec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The templates a spec may name. The service builds one from its fleet-wide template catalogue; tests and the
 * generator endpoint use {@link #builtin()}.
 */
public interface TemplateCatalogue {

    /** A template by id, by exact name, or else by case-insensitive name. */
    Optional<TemplateInfo> find(String nameOrId);

    /** A template by id. */
    Optional<TemplateInfo> byId(UUID templateId);

    /** GNS3 2.2's builtin templates, whose ids are the same on every GNS3 server. */
    static TemplateCatalogue builtin() {
        return of(BUILTIN);
    }

    static TemplateCatalogue of(Collection<TemplateInfo> templates) {
        Map<UUID, TemplateInfo> ids = new LinkedHashMap<>();
        Map<String, TemplateInfo> names = new LinkedHashMap<>();
        Map<String, TemplateInfo> folded = new LinkedHashMap<>();
        for (TemplateInfo t : templates) {
            ids.putIfAbsent(t.templateId(), t);
            names.putIfAbsent(t.name(), t);
            folded.putIfAbsent(t.name().toLowerCase(Locale.ROOT), t);
        }
        return new TemplateCatalogue() {
            @Override
            public Optional<TemplateInfo> find(String nameOrId) {
                if (nameOrId == null) {
                    return Optional.empty();
                }
                TemplateInfo exact = names.get(nameOrId);
                if (exact != null) {
                    return Optional.of(exact);
                }
                try {
                    TemplateInfo byId = ids.get(UUID.fromString(nameOrId.trim()));
                    if (byId != null) {
                        return Optional.of(byId);
                    }
                } catch (IllegalArgumentException notAnId) {
                    // a name
                }
                return Optional.ofNullable(folded.get(nameOrId.toLowerCase(Locale.ROOT)));
            }

            @Override
            public Optional<TemplateInfo> byId(UUID templateId) {
                return Optional.ofNullable(ids.get(templateId));
            }
        };
    }

    /**
     * As recorded from gns3-server 2.2
     * (gns3-simulator/src/test/resources/gns3-2.2/01-version-computes-templates.json).
     */
    List<TemplateInfo> BUILTIN = List.of(
            TemplateInfo.of("39e257dc-8412-3174-b6b3-0ee3ed6a43e9", "Cloud", "cloud"),
            TemplateInfo.of("df8f4ea9-33b7-3e96-86a2-c39bc9bb649c", "NAT", "nat"),
            TemplateInfo.of("19021f99-e36f-394d-b4a1-8aaa902ab9cc", "VPCS", "vpcs"),
            TemplateInfo.of("1966b864-93e7-32d5-965f-001384eec461", "Ethernet switch", "ethernet_switch"),
            TemplateInfo.of("b4503ea9-d6b6-3695-9fe4-1db3b39290b0", "Ethernet hub", "ethernet_hub"),
            TemplateInfo.of("dd0f6f3a-ba58-3249-81cb-a1dd88407a47", "Frame Relay switch", "frame_relay_switch"),
            TemplateInfo.of("aaa764e2-b383-300f-8a0e-3493bbfdb7d2", "ATM switch", "atm_switch"));
}
