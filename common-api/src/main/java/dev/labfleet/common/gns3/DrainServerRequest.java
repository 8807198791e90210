package dev.labfleet.common.gns3;

import dev.labfleet.common.problem.ValidText;

/**
 * The optional body of {@code POST /api/v1/servers/{serverId}/drain}.
 *
 * @param reason why the server is drained (maintenance window, hardware), shown with its drain state
 */
public record DrainServerRequest(@ValidText(max = 500) String reason) {
}
