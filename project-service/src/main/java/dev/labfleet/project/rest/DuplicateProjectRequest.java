package dev.labfleet.project.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A copy of a lab on the same GNS3 server; GNS3 gives the copy new node ids and console ports. */
public record DuplicateProjectRequest(@NotBlank @Size(max = 100) String name, Boolean resetMacAddresses) {
}
