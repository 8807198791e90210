package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of labs. */
@Description("A page of Lab. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record LabPage(@NonNull List<@NonNull Lab> items, String nextCursor) {
}
