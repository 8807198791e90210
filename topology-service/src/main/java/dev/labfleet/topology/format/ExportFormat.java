package dev.labfleet.topology.format;

import java.util.Locale;

/** What a topology can be exported as, with the media type to answer with. */
public enum ExportFormat {
    JSON("application/json"),
    YAML("application/yaml"),
    GRAPHML("application/graphml+xml"),
    DOT("text/vnd.graphviz"),
    MERMAID("text/vnd.mermaid");

    private final String mediaType;

    ExportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** By name, any case ({@code graphml}); null when unknown. */
    public static ExportFormat of(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
