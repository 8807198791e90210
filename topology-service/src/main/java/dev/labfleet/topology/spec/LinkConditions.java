package dev.labfleet.topology.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Link conditions, applied by GNS3 (uBridge) as link filters. Ranges are GNS3's own.
 *
 * @param packetLoss    chance in % (0-100) that a frame is lost; GNS3 filter {@code packet_loss}
 * @param delay         latency in ms (0-32767); GNS3 filter {@code delay}
 * @param jitter        +/- jitter in ms (0-32767), with {@code delay}
 * @param corruption    chance in % (0-100) that a frame is corrupted; GNS3 filter {@code corrupt}
 * @param frequencyDrop drop every Nth frame (1-32767), or -1 to drop everything; GNS3 filter {@code frequency_drop}
 * @param bpf           drop frames matching this BPF expression (one per line); GNS3 filter {@code bpf}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"packet_loss", "delay", "jitter", "corruption", "frequency_drop", "bpf"})
public record LinkConditions(
        Integer packetLoss,
        Integer delay,
        Integer jitter,
        Integer corruption,
        Integer frequencyDrop,
        String bpf) {

    public static final LinkConditions NONE = new LinkConditions(null, null, null, null, null, null);

    @JsonIgnore
    public boolean isEmpty() {
        return packetLoss == null && delay == null && jitter == null && corruption == null && frequencyDrop == null
                && (bpf == null || bpf.isBlank());
    }
}
