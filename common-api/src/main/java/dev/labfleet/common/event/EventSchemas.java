package dev.labfleet.common.event;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the JSON Schema of each event type's {@code data} lives, and which version producers write.
 *
 * <p>A type's schema is {@code docs/schemas/events/<type>.v<N>.json}; the jar carries the same files (and
 * {@code docs/asyncapi.yaml}) under {@code META-INF/resources/asyncapi/}, which every service serves at
 * {@code /asyncapi/}. Every event names its schema in the CloudEvents {@code dataschema} attribute as
 * {@code urn:labfleet:schema:<type>:<N>}. Within one version a schema only gains optional fields (the rule is in
 * {@code docs/events.md}); a breaking change is a new file, N+1, listed in {@link #VERSIONS}.
 */
public final class EventSchemas {

    public static final String URN_PREFIX = "urn:labfleet:schema:";
    /** The classpath folder of the schema files. */
    public static final String RESOURCE_DIR = "META-INF/resources/asyncapi/schemas/events/";
    /** The schema of the CloudEvents envelope itself, as Labfleet fills it. */
    public static final String ENVELOPE_RESOURCE = RESOURCE_DIR + "cloudevent.v1.json";

    /** Types whose current schema is past version 1 (none yet). */
    private static final Map<String, Integer> VERSIONS = Map.of();
    private static final Map<String, URI> URIS = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** The version of {@code type}'s schema that producers write now. */
    public static int version(String type) {
        return VERSIONS.getOrDefault(type, 1);
    }

    /** The {@code dataschema} of a new event of {@code type}. */
    public static URI dataschema(String type) {
        return URIS.computeIfAbsent(type, t -> URI.create(URN_PREFIX + t + ":" + version(t)));
    }

    /** The classpath resource of a schema named by a {@code dataschema}, or null when it is not one of ours. */
    public static String resource(URI dataschema) {
        String s = dataschema == null ? null : dataschema.toString();
        if (s == null || !s.startsWith(URN_PREFIX)) {
            return null;
        }
        int colon = s.lastIndexOf(':');
        if (colon <= URN_PREFIX.length()) {
            return null;
        }
        return resource(s.substring(URN_PREFIX.length(), colon), s.substring(colon + 1));
    }

    /** The classpath resource of version {@code version} of {@code type}'s schema. */
    public static String resource(String type, Object version) {
        return RESOURCE_DIR + type + ".v" + version + ".json";
    }
}
