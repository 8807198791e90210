package dev.labfleet.topology.rest;

import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.plan.Drift;
import dev.labfleet.topology.service.LabDrift;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * How a lab differs from the spec last applied to it.
 *
 * @param inSync      true when GNS3 has exactly what the spec manages
 * @param lastApply   how the last apply ended (a PARTIAL one leaves differences the next apply converges)
 * @param differences one per differing node, link or field
 */
public record DriftReport(UUID projectId, boolean inSync, OffsetDateTime appliedAt, String appliedBy,
                          ApplyStatus lastApply, List<Drift.Difference> differences) {

    public static DriftReport of(LabDrift d) {
        return new DriftReport(d.projectId(), d.inSync(), d.appliedAt(), d.appliedBy(), d.lastApply(), d.differences());
    }
}
