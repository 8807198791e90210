package dev.labfleet.gateway.rest;

import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.PlacementView;
import dev.labfleet.gateway.service.Placement;
import dev.labfleet.gateway.service.PlacementNeeds;

import java.util.List;

/** Maps placement's API records (common-api) to and from the service layer's records. */
final class PlacementMapper {

    private PlacementMapper() {
    }

    static PlacementNeeds needs(PlacementRequest r) {
        return new PlacementNeeds(r.nodeCount(), r.ramMb(), r.requiredLabels(), r.avoidServers(), r.strategy(),
                r.serverId());
    }

    static PlacementView view(Placement p) {
        return new PlacementView(p.serverId(), p.serverName(), p.strategy(), p.score(), p.reasons(),
                candidates(p.runnersUp()), candidates(p.rejected()));
    }

    private static List<PlacementView.Candidate> candidates(List<Placement.Considered> considered) {
        return considered.stream()
                .map(c -> new PlacementView.Candidate(c.serverId(), c.serverName(), c.score(), c.reasons()))
                .toList();
    }
}
