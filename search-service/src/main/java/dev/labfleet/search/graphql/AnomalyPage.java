package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of anomalys. */
@Description("A page of Anomaly. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record AnomalyPage(@NonNull List<@NonNull Anomaly> items, String nextCursor) {
}
