package dev.labfleet.project.fleet;

import dev.labfleet.common.problem.ValidName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/projects/{projectId}/copies}: a class of copies of a lab.
 *
 * @param classId          the class's id, chosen by the client to make the request idempotent: a retry with the same
 *                         id and the same request answers the class (200) and makes no further copy [a new id]
 * @param count            how many copies [the number of owners]; at most 500
 * @param namePattern      each copy's name, {@code {n}} replaced by its number from 1 (required, must hold {@code {n}})
 * @param owners           the owner of each copy, in order (admins only; as many as count) [the caller owns them all]
 * @param group            a group the copies belong to (tagged {@code group:<name>}: its members see and use them,
 *                         its quota applies); the caller must be in it unless an admin
 * @param start            open each copy and start its nodes, staggered [false: copies are left closed]
 * @param startBatchSize   nodes started at once in a copy [labfleet.project.fleet.start-batch-size]
 * @param startDelayMs     pause between two start batches of a copy [labfleet.project.fleet.start-delay]
 * @param placement        {@code spread} (evenly over the servers, by their capacity weight) or {@code pack} (fill
 *                         one server to its capacity before the next) [spread]
 * @param serverIds        the servers to use [every server placement may use: enabled, up, not draining]
 * @param includeSnapshots copy the source's snapshots too [false]
 * @param resetMacAddresses give each copy's nodes new MAC addresses [true]
 */
public record CopyRequest(
        UUID classId,
        @Min(1) @Max(500) Integer count,
        @NotNull @ValidName @Pattern(regexp = ".*\\{n\\}.*", message = "must contain {n}, replaced by each copy's number")
        @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\") String namePattern,
        @Size(min = 1, max = 500) List<@NotNull @ValidName(max = 200) String> owners,
        @ValidName(max = 200) String group,
        Boolean start,
        @Min(1) @Max(200) Integer startBatchSize,
        @Min(0) @Max(600_000) Long startDelayMs,
        @Pattern(regexp = "spread|pack", message = "must be spread or pack") String placement,
        @Size(min = 1, max = 100) List<@NotNull UUID> serverIds,
        Boolean includeSnapshots,
        Boolean resetMacAddresses) {
}
