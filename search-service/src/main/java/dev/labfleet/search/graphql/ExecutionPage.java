package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of executions. */
@Description("A page of Execution. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record ExecutionPage(@NonNull List<@NonNull Execution> items, String nextCursor) {
}
