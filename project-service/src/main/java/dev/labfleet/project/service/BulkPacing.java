package dev.labfleet.project.service;

import java.util.Map;

/**
 * How to pace a start or stop of all nodes; a null field takes the configured default.
 *
 * @param priorities node name to priority: lower goes first; unlisted nodes go last, by name
 */
public record BulkPacing(Integer batchSize, Long delayMs, Boolean stopOnFirstError, Map<String, Integer> priorities) {
}
