package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.labfleet.topology.service.NewLink;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One end of a link: {@code {"node": "PC1", "adapter": 0, "port": 0}} (numbers as GNS3 has them), or a node and a
 * port name, {@code {"node": "SW1", "port": "e3"}}, or the short form {@code "SW1:e3"}. {@code node} is a node id or
 * name; a port name is GNS3's ({@code Ethernet0}, {@code e0}, a switch's {@code ports_mapping} name), an
 * {@code adapter/port} ({@code 0/1}) or an index ({@code e1}: adapter 1 of a VPCS or QEMU node, port 1 of a switch).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "{\"node\": \"PC1\", \"adapter\": 0, \"port\": 0} or \"PC1:e0\"")
public record LinkEndRequest(
        @NotBlank @Size(max = 200) String node,
        @Min(0) @Max(10_000) Integer adapter,
        @NotBlank @Size(max = 100) String port) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public LinkEndRequest(@JsonProperty("node") String node, @JsonProperty("adapter") Integer adapter,
                          @JsonProperty("port") String port) {
        this.node = node;
        this.adapter = adapter;
        this.port = port;
    }

    /** {@code "node:port"}, split at the last colon (node names have none). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static LinkEndRequest of(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        return colon < 0 ? new LinkEndRequest(text, null, null)
                : new LinkEndRequest(text.substring(0, colon).trim(), null, text.substring(colon + 1).trim());
    }

    public NewLink.End toEnd() {
        return new NewLink.End(node, adapter, port);
    }
}
