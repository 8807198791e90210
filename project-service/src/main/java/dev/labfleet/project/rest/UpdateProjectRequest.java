package dev.labfleet.project.rest;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Changes to a lab; a null field is left as it is. */
public record UpdateProjectRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = "[^/\\\\\\x00-\\x1f]+", message = "must not contain / \\ or control characters")
        String name,
        @Size(max = 2000) String description,
        @Size(max = 50) List<@Size(min = 1, max = 100) String> tags,
        Boolean autoStart,
        Boolean autoClose) {
}
