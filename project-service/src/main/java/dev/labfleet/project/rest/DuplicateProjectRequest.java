package dev.labfleet.project.rest;

import dev.labfleet.common.problem.ValidName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A copy of a lab on the same GNS3 server; GNS3 gives the copy new node ids and console ports. */
public record DuplicateProjectRequest(
        @NotNull @ValidName @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\") String name,
        Boolean resetMacAddresses) {
}
