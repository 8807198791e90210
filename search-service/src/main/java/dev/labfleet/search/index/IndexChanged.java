package dev.labfleet.search.index;

import java.util.Set;

/** Fired after a batch of changes is committed: which kinds of documents changed (dashboards invalidate by it). */
public record IndexChanged(Set<Kind> kinds) {
}
