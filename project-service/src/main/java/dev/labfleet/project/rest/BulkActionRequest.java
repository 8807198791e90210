package dev.labfleet.project.rest;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.project.service.BulkPacing;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * How to pace a start or stop of all nodes; every field is optional.
 *
 * @param batchSize        nodes acted on at once [labfleet.project.bulk.batch-size, 5]
 * @param delayMs          pause between two batches [labfleet.project.bulk.delay, 2 s]
 * @param stopOnFirstError skip the remaining batches after a failure [false: go on, report every node]
 * @param priorities       node name to priority: lower goes first; unlisted nodes go last, by name
 */
public record BulkActionRequest(
        @Min(1) @Max(200) Integer batchSize,
        @Min(0) @Max(600_000) Long delayMs,
        Boolean stopOnFirstError,
        @Size(max = 10_000) Map<@NotNull @ValidName String, @NotNull Integer> priorities) {

    public BulkPacing toPacing() {
        return new BulkPacing(batchSize, delayMs, stopOnFirstError, priorities);
    }
}
