package dev.labfleet.project.service;

import dev.labfleet.common.page.FleetList;

import java.util.List;
import java.util.UUID;

/**
 * What a sync found.
 *
 * @param adopted     labs that existed on a GNS3 server but not in Labfleet, now recorded
 * @param missing     labs of Labfleet that their server no longer has, now marked missing
 * @param unreachable servers that could not be asked; their labs were left as they were
 * @param leftOut     the same servers, each with why it could not be asked
 */
public record SyncResult(List<ProjectState> adopted, List<UUID> missing, List<UUID> unreachable, int unchanged,
                         List<FleetList.LeftOut> leftOut) {
}
