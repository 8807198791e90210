package dev.labfleet.topology.service;

import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.TopologyPlan;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What an apply did: the plan's counts, then one result per planned change, in the order they were planned. Kept as
 * JSON with the apply's operation (its components are that JSON's names), and its failures go out with the
 * {@code lab.topology.applied} event.
 *
 * @param status   UNCHANGED (no GNS3 write was needed), APPLIED, PARTIAL or FAILED
 * @param done     changes made
 * @param failed   changes GNS3 or the gateway refused; their {@code detail} says why
 * @param skipped  changes not attempted because one they depend on failed (a link whose node was not created)
 * @param results  per node and link
 */
public record ApplyReport(UUID projectId, UUID serverId, ApplyStatus status, TopologyPlan.Summary summary, int done,
                          int failed, int skipped, OffsetDateTime startedAt, long durationMs,
                          List<Result> results) {

    public enum Outcome { DONE, FAILED, SKIPPED }

    /**
     * One change's result.
     *
     * @param kind   {@code node} or {@code link}
     * @param id     the node's or link's GNS3 id (for a node made from a template, the id GNS3 gave it)
     * @param name   the node's name, or the link's ends ({@code PC1:e0 <-> SW1:e3})
     * @param reason why the plan made this change
     * @param status the HTTP status of the failure (GNS3's 409, the gateway's 503...), null unless FAILED
     * @param detail why it failed or was skipped
     */
    public record Result(String kind, Action action, UUID id, String name, String reason, Outcome outcome,
                         Integer status, String detail) {
    }

    /** The report of a plan's results: UNCHANGED when nothing was to do, else by how many changes were made. */
    static ApplyReport of(UUID projectId, UUID serverId, TopologyPlan plan, List<Result> results,
                          OffsetDateTime startedAt, long millis) {
        int done = 0;
        int failed = 0;
        int skipped = 0;
        for (Result r : results) {
            switch (r.outcome()) {
                case DONE -> done++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        ApplyStatus status = results.isEmpty() ? ApplyStatus.UNCHANGED
                : done == results.size() ? ApplyStatus.APPLIED : done == 0 ? ApplyStatus.FAILED : ApplyStatus.PARTIAL;
        return new ApplyReport(projectId, serverId, status, plan.summary(), done, failed, skipped, startedAt, millis,
                results);
    }
}
