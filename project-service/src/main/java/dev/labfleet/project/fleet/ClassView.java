package dev.labfleet.project.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A class as the API shows it: its counts and one result per copy.
 *
 * @param state   {@code running}, {@code finished}, {@code deleting} or {@code deleted}
 * @param servers copies per server
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassView(UUID classId, UUID sourceProjectId, String namePattern, int count, String group,
                        String placement, boolean start, int nodesPerCopy, String state, int done, int failed,
                        int pending, int deleted, Map<UUID, Integer> servers, List<CopyView> copies,
                        String createdBy, OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    /**
     * One copy's result.
     *
     * @param state {@code pending}, {@code running}, {@code done}, {@code failed} (its error says at which step and
     *              why), {@code cancelled}, {@code deleting} or {@code deleted}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CopyView(int index, UUID projectId, String name, String owner, UUID serverId, String state,
                           String step, String error, int attempts, OffsetDateTime finishedAt) {

        static CopyView of(ClassCopy c) {
            return new CopyView(c.copyIndex, c.projectId, c.name, c.ownerName, c.serverId,
                    c.state.name().toLowerCase(), c.step.name().toLowerCase(), c.error, c.attempts, c.finishedAt);
        }
    }

    static ClassView of(LabClass k, List<ClassCopy> copies) {
        int done = 0;
        int failed = 0;
        int pending = 0;
        int deleted = 0;
        Map<UUID, Integer> servers = new java.util.TreeMap<>();
        for (ClassCopy c : copies) {
            switch (c.state) {
                case DONE -> done++;
                case FAILED -> failed++;
                case PENDING, RUNNING, DELETING -> pending++;
                case DELETED, CANCELLED -> deleted++;
            }
            servers.merge(c.serverId, 1, Integer::sum);
        }
        return new ClassView(k.id, k.sourceProjectId, k.namePattern, k.copies, k.groupName, k.placement, k.startNodes,
                k.nodeCount, k.state.name().toLowerCase(), done, failed, pending, deleted, servers,
                copies.stream().map(CopyView::of).toList(), k.createdBy, k.createdAt, k.finishedAt);
    }
}
