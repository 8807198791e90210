package dev.labfleet.support.guard;

import java.util.regex.Pattern;

/**
 * What an audit record says about a path: the path itself (capped), the lab it names and the last object it names,
 * read from the API's {@code /collection/{id}} shape ({@code /api/v1/projects/p1/nodes/n1/start}: project p1, node
 * n1).
 */
record PathFacts(String path, String projectId, String objectType, String objectId) {

    private static final int MAX = 512;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,100}");

    static PathFacts of(String rawPath) {
        String path = rawPath == null ? "" : rawPath.length() > MAX ? rawPath.substring(0, MAX) : rawPath;
        String[] segments = path.split("/");
        String projectId = null;
        String objectType = null;
        String objectId = null;
        int start = 1;
        // skip "api" and a version segment
        if (segments.length > 2 && "api".equals(segments[1])) {
            start = segments[2].matches("v[0-9]+") ? 3 : 2;
        }
        for (int i = start; i + 1 < segments.length; i += 2) {
            String collection = segments[i];
            String id = segments[i + 1];
            if (!ID.matcher(collection).matches() || !ID.matcher(id).matches()) {
                break;
            }
            objectType = collection;
            objectId = id;
            if ("projects".equals(collection) || "labs".equals(collection)) {
                projectId = id;
            }
        }
        return new PathFacts(path, projectId, objectType, objectId);
    }
}
