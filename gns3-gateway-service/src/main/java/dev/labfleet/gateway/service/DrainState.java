package dev.labfleet.gateway.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A server's drain state and the labs still on it, as its GNS3 lists them.
 *
 * @param labs      the projects on the server now; null when GNS3 could not be asked ({@code labsError} says why)
 * @param labsError why the labs are unknown, else null
 */
public record DrainState(UUID serverId, String name, boolean draining, OffsetDateTime drainingSince, String reason,
                         List<Lab> labs, String labsError) {

    /** One GNS3 project on the server: its id, name and GNS3 status. */
    public record Lab(UUID projectId, String name, String status) {
    }
}
