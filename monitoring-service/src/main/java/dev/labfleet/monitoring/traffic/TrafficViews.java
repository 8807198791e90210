package dev.labfleet.monitoring.traffic;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Traffic figures as the API and the streams show them. */
public final class TrafficViews {

    private TrafficViews() {
    }

    /**
     * One link's rates over the last few seconds.
     *
     * @param capturing whether the link is being read now
     * @param sampled   whether its lab's links are read in rotation (the figures cover part of the time)
     * @param aToB      from the link's first end ({@code nodes[0]}) to its second
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LinkTrafficView(String linkId, String projectId, boolean capturing, boolean sampled,
                                  LinkTraffic.Direction aToB, LinkTraffic.Direction bToA, Map<String, Double> protocols,
                                  double broadcastPps, List<LinkTraffic.Talker> topMacs,
                                  List<LinkTraffic.Talker> topIps, String topScanner, int topScannerTargets,
                                  OffsetDateTime at) {
    }

    /**
     * A lab's traffic: the sum of its links, and whether it carries traffic (and since when).
     *
     * @param state {@code traffic} or {@code idle}
     */
    public record LabTrafficView(String projectId, String state, OffsetDateTime since, double pps, double bps,
                                 boolean sampled, int linksCaptured, OffsetDateTime at) {
    }

    /** One traffic sample of a lab, as sent on {@code lab.monitoring} to every replica. */
    public record LabSample(LabTrafficView lab, List<LinkTrafficView> links) {
    }
}
