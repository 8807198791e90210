package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of nodes. */
@Description("A page of Node. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record NodePage(@NonNull List<@NonNull Node> items, String nextCursor) {
}
