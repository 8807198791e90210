package dev.labfleet.topology.generate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The topologies a generator makes, with the roles their nodes play and each role's default template. */
public enum Shape {
    STAR("star", Map.of("hub", "Ethernet switch", "host", "VPCS")),
    RING("ring", Map.of("node", "Ethernet switch")),
    FULL_MESH("full-mesh", Map.of("node", "Ethernet switch")),
    SPINE_LEAF("spine-leaf", Map.of("spine", "Ethernet switch", "leaf", "Ethernet switch", "host", "VPCS")),
    TREE("tree", Map.of("switch", "Ethernet switch", "host", "VPCS"));

    private final String slug;
    private final Map<String, String> defaultTemplates;

    Shape(String slug, Map<String, String> defaultTemplates) {
        this.slug = slug;
        this.defaultTemplates = defaultTemplates;
    }

    public String slug() {
        return slug;
    }

    /** Role -> the template used when the request names none. */
    public Map<String, String> defaultTemplates() {
        return defaultTemplates;
    }

    public List<String> roles() {
        return defaultTemplates.keySet().stream().sorted().toList();
    }

    /** By slug ({@code spine-leaf}), also accepting {@code spine_leaf} and any case; null when unknown. */
    public static Shape of(String value) {
        if (value == null) {
            return null;
        }
        String slug = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Shape s : values()) {
            if (s.slug.equals(slug)) {
                return s;
            }
        }
        return null;
    }
}
