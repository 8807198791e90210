package dev.labfleet.project.fleet;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.UUID;

/**
 * The optional body of {@code POST /api/v1/servers/{serverId}/evacuate}.
 *
 * @param targetServerId   move every lab to this server; null = placement chooses per lab
 * @param includeSnapshots bring the labs' snapshots along [true]
 * @param concurrency      labs moved at once, across replicas [labfleet.project.fleet.default-concurrency, 2]
 */
public record EvacuateRequest(UUID targetServerId, Boolean includeSnapshots, @Min(1) @Max(32) Integer concurrency) {
}
