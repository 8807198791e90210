package dev.labfleet.topology.service;

import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.plan.Drift;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * How a lab differs from the spec last applied to it.
 *
 * @param inSync      true when GNS3 has exactly what the spec manages
 * @param lastApply   how the last apply ended
 * @param differences one per differing node, link or field
 */
public record LabDrift(UUID projectId, boolean inSync, OffsetDateTime appliedAt, String appliedBy,
                       ApplyStatus lastApply, List<Drift.Difference> differences) {
}
