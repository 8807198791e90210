package dev.labfleet.common.gns3;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A server's drain state and the labs still on it, as its GNS3 lists them ({@code GET .../drain}, and the answer of
 * {@code POST .../drain} and {@code .../undrain}).
 *
 * @param draining      placement skips the server; its labs keep working until they are moved
 * @param drainingSince when the drain began (null when not draining)
 * @param reason        the reason given with the drain, if any
 * @param labs          the projects on the server now; null when GNS3 could not be asked ({@code labsError} says why)
 * @param labsError     why the labs are unknown (the server is down...), else null
 */
public record ServerDrainView(
        UUID serverId,
        String name,
        boolean draining,
        OffsetDateTime drainingSince,
        String reason,
        List<Lab> labs,
        String labsError) {

    /** One GNS3 project on the server: its id, name and GNS3 status (opened, closed). */
    public record Lab(UUID projectId, String name, String status) {
    }
}
