package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** The counts of one facet over every match. */
@Description("The counts of one facet over every match, most frequent first (top 20)")
public record Facet(@NonNull String name, @NonNull List<@NonNull FacetValue> values) {

    /** One value of a facet and how many matches have it. */
    @Description("One value of a facet and how many matches have it")
    public record FacetValue(@NonNull String value, long count) {
    }
}
