package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.service.NodeConsole;

import java.util.UUID;

/**
 * How to reach a node's console, from the GNS3 node's {@code console_type}, {@code console_host} and
 * {@code console}.
 *
 * @param type {@code telnet}, {@code vnc}, {@code spice}...
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeConsoleView(UUID nodeId, String name, String type, String host, Integer port, Boolean autoStart) {

    public static NodeConsoleView of(NodeConsole c) {
        return new NodeConsoleView(c.nodeId(), c.name(), c.type(), c.host(), c.port(), c.autoStart());
    }
}
