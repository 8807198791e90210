package dev.labfleet.project.rest;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.project.service.NewProject;
import jakarta.validation.constraints.NotNull;
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
        @NotNull @ValidName @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\")
        String name,
        @ValidName(max = 200) String owner,
        UUID serverId,
        @ValidText(max = 2000) String description,
        @Size(max = 50) List<@NotNull @ValidName String> tags,
        Boolean autoStart,
        Boolean autoClose,
        @Size(max = 20) List<@NotNull @ValidName(max = 200) String> labels) {

    public NewProject toNewProject() {
        return new NewProject(projectId, name, owner, serverId, description, tags, autoStart, autoClose, labels);
    }
}
