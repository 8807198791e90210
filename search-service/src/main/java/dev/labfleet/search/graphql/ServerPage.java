package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of servers. */
@Description("A page of Server. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record ServerPage(@NonNull List<@NonNull Server> items, String nextCursor) {
}
