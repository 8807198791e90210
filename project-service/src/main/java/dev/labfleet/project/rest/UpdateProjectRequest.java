package dev.labfleet.project.rest;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.project.service.ProjectEdit;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Changes to a lab; a null field is left as it is. */
public record UpdateProjectRequest(
        @ValidName @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\")
        String name,
        @ValidText(max = 2000) String description,
        @Size(max = 50) List<@NotNull @ValidName String> tags,
        Boolean autoStart,
        Boolean autoClose) {

    public ProjectEdit toEdit() {
        return new ProjectEdit(name, description, tags, autoStart, autoClose);
    }
}
