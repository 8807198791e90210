package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.topology.domain.ApplyStatus;

import java.time.OffsetDateTime;
import java.util.UUID;

/** The spec last applied to a lab, who applied it, when, and how it ended. */
public record AppliedSpec(UUID projectId, JsonNode spec, ApplyStatus status, OffsetDateTime appliedAt,
                          String appliedBy, int changes, int failures, long durationMs) {
}
