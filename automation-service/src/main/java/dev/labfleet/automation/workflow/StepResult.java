package dev.labfleet.automation.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * What one step did.
 *
 * @param status         {@code running} (written before it starts), {@code succeeded}, {@code failed},
 *                       {@code continued} (failed, onFailure continue) or {@code approved}
 * @param attempts       how many times it was started (a takeover or a retry starts it again)
 * @param idempotencyKey the execution id and step index: what a step that creates something sends along, so a
 *                       repeat never creates a second one
 * @param ref            what the step made or ran: a script execution id, a lab id, a snapshot id
 * @param output         what later steps can read (setVariable): a script's transcripts, an answer's summary
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepResult(String id, String kind, String status, int attempts, String idempotencyKey, String ref,
                         String output, String error, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    public StepResult with(String status, String ref, String output, String error, OffsetDateTime finishedAt) {
        return new StepResult(id, kind, status, attempts, idempotencyKey, ref, output, error, startedAt, finishedAt);
    }
}
