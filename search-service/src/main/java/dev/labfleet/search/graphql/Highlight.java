package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;

/** A matched field with the matches in {@code <mark>...</mark>}. */
@Description("A matched field (name or text) with the matches in <mark>...</mark>")
public record Highlight(String field, String fragment) {
}
