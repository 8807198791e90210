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
 * @param batchSize        nodes under way at once [labfleet.project.bulk.batch-size, 5]: with no delay a sliding
 *                         window (the next node goes as soon as one has its result), else a batch at a time
 * @param delayMs          pause between two batches [labfleet.project.bulk.delay, 2 s]; 0: a sliding window
 * @param stopOnFirstError skip the nodes not yet sent after a failure [false: go on, report every node]
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
