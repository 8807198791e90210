package dev.labfleet.topology.service;

import java.util.UUID;

/** How to reach a node's console: GNS3's {@code console_type}, {@code console_host} and {@code console}. */
public record NodeConsole(UUID nodeId, String name, String type, String host, Integer port, Boolean autoStart) {
}
