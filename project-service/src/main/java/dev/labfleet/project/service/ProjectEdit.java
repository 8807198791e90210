package dev.labfleet.project.service;

import java.util.List;

/** Changes to a lab; a null field is left as it is. */
public record ProjectEdit(String name, String description, List<String> tags, Boolean autoStart, Boolean autoClose) {
}
