package dev.labfleet.monitoring.model;

/**
 * One change of the live model, as streamed: {@code json} is the whole message, encoded once for every client.
 *
 * @param seq       this replica's sequence number (see {@link FleetModel#epoch()})
 * @param kind      {@code server}, {@code lab}, {@code node}, {@code link}, {@code traffic}, {@code health},
 *                  {@code anomaly}, {@code switch}
 * @param op        {@code upsert} or {@code delete}
 * @param key       what coalescing replaces: a newer delta with the same key supersedes this one
 * @param projectId the lab it belongs to, or null for fleet-wide objects
 */
public record Delta(long seq, String kind, String op, String key, String projectId, String json) {
}
