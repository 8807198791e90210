package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of links. */
@Description("A page of Link. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record LinkPage(@NonNull List<@NonNull Link> items, String nextCursor) {
}
