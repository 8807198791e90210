package dev.labfleet.topology.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.service.AppliedSpec;

import java.time.OffsetDateTime;
import java.util.UUID;

/** The spec last applied to a lab, who applied it, when, and how it ended. */
public record AppliedSpecView(UUID projectId, JsonNode spec, ApplyStatus status, OffsetDateTime appliedAt,
                              String appliedBy, int changes, int failures, long durationMs) {

    public static AppliedSpecView of(AppliedSpec a) {
        return new AppliedSpecView(a.projectId(), a.spec(), a.status(), a.appliedAt(), a.appliedBy(), a.changes(),
                a.failures(), a.durationMs());
    }
}
