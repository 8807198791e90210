package dev.labfleet.project.quota;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

/** A scope's limits; a null (or absent) field means no limit of that kind. */
public record SetQuotaRequest(@PositiveOrZero @Max(1_000_000) Integer maxLabs,
                              @PositiveOrZero @Max(10_000_000) Integer maxRunningNodes,
                              @PositiveOrZero @Max(10_000_000) Integer maxNodes) {
}
