package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One GNS3 call of a batch.
 *
 * @param id     the caller's name for it, unique in the batch; its result carries it back
 * @param method GET, POST, PUT or DELETE
 * @param path   below {@code /api/v1/servers/{serverId}}, e.g. {@code /projects/{projectId}/nodes}: nodes, links
 *               and drawings of a project (create, read, update, delete; node start/stop/suspend/reload, node
 *               creates from a template)
 * @param body   GNS3's JSON body, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchOperation(String id, String method, String path, JsonNode body) {
}
