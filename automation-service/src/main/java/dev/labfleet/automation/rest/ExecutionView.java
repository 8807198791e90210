package dev.labfleet.automation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An execution and, when asked for, each node's record. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionView(UUID id, UUID scriptId, String scriptName, int scriptVersion, String kind,
                            UUID projectId, UUID serverId, String status, int concurrency, double nodeTimeoutSeconds,
                            boolean stopOnFirstError, boolean cancelRequested, Map<String, Long> counts,
                            OffsetDateTime createdAt, OffsetDateTime finishedAt, String error, List<NodeRun> nodes) {

    /**
     * One node's record.
     *
     * @param commands            the rendered console steps, as sent
     * @param transcript          what the console printed (carriage returns and colours removed), capped
     * @param transcriptTruncated the cap was hit; the transcript says where
     * @param assertions          each assertion's result
     * @param attempts            how often its commands were sent: 2 or more when the replica running it died
     *                            mid-session and another replica ran it again
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeRun(String nodeId, String nodeName, String status, List<String> commands, String transcript,
                          boolean transcriptTruncated, JsonNode assertions, OffsetDateTime startedAt,
                          OffsetDateTime finishedAt, String error, int attempts) {
    }
}
