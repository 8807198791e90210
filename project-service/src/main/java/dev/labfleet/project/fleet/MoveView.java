package dev.labfleet.project.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A lab's move as the API shows it.
 *
 * @param state      {@code pending}, {@code running}, {@code moved} or {@code failed} (rolled back)
 * @param step       the step reached (plan, stop_source, transfer, open_target, restore_links, verify, start_target,
 *                   close_target, commit, delete_source, done)
 * @param failedStep for a failed move, the step that failed; {@code error} says why
 * @param rollbackError what the rollback could not undo, if anything
 * @param leftover   a partial copy the rollback could not delete from the target: where, whether it is still there
 *                   ({@code pending}, retried) or deleted since ({@code removed}), tries and the last failure
 * @param progress   every step's {@code {step, status, at, detail}} in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MoveView(UUID moveId, UUID evacuationId, UUID projectId, UUID sourceServerId, UUID targetServerId,
                       boolean includeSnapshots, String state, String step, boolean committed, String failedStep,
                       String error, String rollbackError, Leftover leftover, int attempts, JsonNode progress,
                       OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    /** A partial copy left on a move's target by its rollback. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Leftover(UUID serverId, String state, int attempts, String lastError, OffsetDateTime nextTryAt,
                           OffsetDateTime removedAt) {
    }

    public static MoveView of(Move m) {
        JsonNode progress;
        try {
            progress = CloudEventCodec.mapper().readTree(m.progress == null ? "[]" : m.progress);
        } catch (IOException e) {
            progress = CloudEventCodec.mapper().createArrayNode();
        }
        return new MoveView(m.id, m.evacuationId, m.projectId, m.sourceServerId, m.targetServerId, m.includeSnapshots,
                m.state.name().toLowerCase(), m.step.name().toLowerCase(), m.committed,
                m.failedStep == null ? null : m.failedStep.toLowerCase(), m.error, m.rollbackError,
                m.leftoverState == null ? null : new Leftover(m.leftoverServerId, m.leftoverState.name().toLowerCase(),
                        m.leftoverAttempts, m.leftoverError, m.leftoverNextTry, m.leftoverRemovedAt), m.attempts,
                progress, m.createdAt, m.finishedAt);
    }
}
