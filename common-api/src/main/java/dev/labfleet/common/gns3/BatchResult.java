package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.Problem;

/**
 * What one call of a batch got.
 *
 * @param status  GNS3's status on success; the problem's status otherwise (404, 409 with GNS3's message, 502, 503,
 *                504...), exactly as the single call would have answered
 * @param body    GNS3's JSON answer on success, null when it had none
 * @param problem why it failed, null on success
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchResult(String id, int status, JsonNode body, Problem problem) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
