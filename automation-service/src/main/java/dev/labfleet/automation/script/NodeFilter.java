package dev.labfleet.automation.script;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which nodes of a lab a script is for; every criterion given must hold (an empty filter takes every node).
 *
 * @param nodeTypes     GNS3 node types ({@code vpcs}, {@code dynamips}, {@code qemu}...)
 * @param templateNames names of the GNS3 templates the nodes were made from
 * @param nameGlob      a glob on the node name: {@code *} any run of characters, {@code ?} one character
 * @param labels        Labfleet labels the node must carry (topology-service's node labels), each key with this value
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record NodeFilter(List<String> nodeTypes, List<String> templateNames, String nameGlob,
                         Map<String, String> labels) {

    public static final NodeFilter ANY = new NodeFilter(null, null, null, null);

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return (nodeTypes == null || nodeTypes.isEmpty()) && (templateNames == null || templateNames.isEmpty())
                && (nameGlob == null || nameGlob.isBlank()) && (labels == null || labels.isEmpty());
    }

    /**
     * Whether a node matches. {@code templateName} is null when unknown; {@code labels} are the node's labels.
     */
    public boolean matches(String name, String nodeType, String templateName, Map<String, String> nodeLabels) {
        if (nodeTypes != null && !nodeTypes.isEmpty() && !nodeTypes.contains(nodeType)) {
            return false;
        }
        if (templateNames != null && !templateNames.isEmpty()
                && (templateName == null || !templateNames.contains(templateName))) {
            return false;
        }
        if (nameGlob != null && !nameGlob.isBlank() && !glob(nameGlob).matcher(name == null ? "" : name).matches()) {
            return false;
        }
        if (labels != null) {
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (nodeLabels == null || !label.getValue().equals(nodeLabels.get(label.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
