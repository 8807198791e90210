package dev.labfleet.topology.service;

import java.util.Map;

/**
 * Changes to a node; null fields are left as they are. {@code properties} are merged into GNS3's by GNS3;
 * {@code labels} replace the node's labels (an empty map removes them).
 */
public record NodeEdit(String name, Integer x, Integer y, Map<String, Object> properties, Map<String, String> labels) {
}
