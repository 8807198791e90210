package dev.labfleet.project.service;

import java.util.List;
import java.util.UUID;

/**
 * A new lab, checked by the REST layer.
 *
 * @param projectId optional client-chosen id (also the GNS3 project id), for safe retries
 * @param serverId  optional: the GNS3 server to use; without it the gateway's placement chooses
 * @param labels    placement needs: required server labels, e.g. {@code ["site=lab1"]}
 */
public record NewProject(UUID projectId, String name, String owner, UUID serverId, String description,
                         List<String> tags, Boolean autoStart, Boolean autoClose, List<String> labels) {
}
