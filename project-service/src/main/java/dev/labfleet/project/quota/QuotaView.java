package dev.labfleet.project.quota;

import java.time.OffsetDateTime;

/**
 * A scope's quota and usage. A null limit is no limit.
 *
 * @param scope           {@code owner} or {@code group}
 * @param maxLabs         labs it may hold
 * @param maxRunningNodes nodes that may run at once across its labs
 * @param maxNodes        nodes its labs may hold in total
 * @param usage           what it uses now (labs recorded here, plus class copies accepted but not made yet)
 */
public record QuotaView(String scope, String name, Integer maxLabs, Integer maxRunningNodes, Integer maxNodes,
                        Usage usage, String updatedBy, OffsetDateTime updatedAt) {

    /** Node figures are the last known counts of each lab (set on import, copy, start, stop and close). */
    public record Usage(long labs, long nodes, long runningNodes) {
    }
}
