package dev.labfleet.project.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.UUID;

/**
 * A new lab.
 *
 * @param projectId optional client-chosen id (also the GNS3 project id): a retried create with the same id and name
 *                  returns the lab instead of making a second one
 * @param serverId  optional: the GNS3 server to use; without it the gateway's placement chooses
 * @param labels    placement needs: required server labels, e.g. {@code ["site=lab1"]}
 */
public record CreateProjectRequest(
        UUID projectId,
        @NotBlank @Size(max = 100) @Pattern(regexp = "[^/\\\\\\x00-\\x1f]+", message = "must not contain / \\ or control characters")
        String name,
        @Size(max = 200) String owner,
        UUID serverId,
        @Size(max = 2000) String description,
        @Size(max = 50) List<@NotBlank @Size(max = 100) String> tags,
        Boolean autoStart,
        Boolean autoClose,
        @Size(max = 20) List<@NotBlank String> labels) {
}
