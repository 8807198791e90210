package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.topology.spec.LinkConditions;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Link conditions, applied by GNS3 as link filters; ranges are GNS3's. Omitted conditions are off.
 *
 * @param packetLoss    % of frames lost (0-100)
 * @param delay         latency in ms (0-32767)
 * @param jitter        +/- ms around {@code delay} (0-32767); needs {@code delay}
 * @param corruption    % of frames corrupted (0-100)
 * @param frequencyDrop drop every Nth frame (1-32767); -1 drops everything, 0 nothing
 * @param bpf           drop the frames matching this BPF expression (one per line)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(examples = "{\"packet_loss\": 2, \"delay\": 40, \"jitter\": 5, \"corruption\": 1, \"frequency_drop\": 100,"
        + " \"bpf\": \"icmp[icmptype] == 8\"}")
public record LinkConditionsRequest(
        @Min(0) @Max(100) Integer packetLoss,
        @Min(0) @Max(32767) Integer delay,
        @Min(0) @Max(32767) Integer jitter,
        @Min(0) @Max(100) Integer corruption,
        @Min(-1) @Max(32767) Integer frequencyDrop,
        @ValidText(max = 2000) String bpf) {

    /** The spec's conditions; a 400 on {@code prefix + "jitter"} when jitter comes without delay. */
    public LinkConditions toConditions(String prefix) {
        if (jitter != null && jitter != 0 && delay == null) {
            throw ProblemException.invalid(prefix + "jitter", "needs delay");
        }
        return new LinkConditions(packetLoss, delay, jitter, corruption, frequencyDrop, bpf);
    }
}
