package dev.labfleet.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GNS3's answers as problems. GNS3 errors are {@code {"message", "status"}} (plus {@code path}, {@code method},
 * {@code request} for schema errors) or text/plain for unknown routes; 5xx bodies carry Python tracebacks, which
 * never leave the gateway.
 */
public final class Gns3Errors {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern REQUIRED = Pattern.compile("'([A-Za-z0-9_]+)' is a required property");
    private static final Pattern UNEXPECTED = Pattern.compile("\\('([A-Za-z0-9_]+)' was unexpected\\)");
    private static final int MAX_DETAIL = 500;

    private Gns3Errors() {
    }

    /** A 4xx answer of GNS3 as the problem the caller gets. */
    public static ProblemException clientError(UUID serverId, String serverName, String operation, int status,
                                               byte[] body) {
        String message = message(body);
        Problem problem = switch (status) {
            case 400 -> validation(message);
            case 401 -> Problem.of(ProblemTypes.UPSTREAM_ERROR, "GNS3 server " + serverName
                    + " rejected the gateway's credentials; update the server's username and password");
            case 403 -> message.toLowerCase().contains("not opened")
                    ? Problem.of(ProblemTypes.CONFLICT, message + " (open the project first)")
                    : Problem.of(ProblemTypes.FORBIDDEN, message);
            case 404 -> Problem.of(ProblemTypes.NOT_FOUND, message.equals("404: Not Found")
                    ? "GNS3 server " + serverName + " has no such resource or route" : message);
            case 409 -> Problem.of(ProblemTypes.CONFLICT, message);
            default -> Problem.of(ProblemTypes.forStatus(status), message);
        };
        return new ProblemException(problem.with("serverId", serverId).with("gns3Status", status)
                .with("operation", operation));
    }

    /** A 5xx of GNS3: a 502 that says which server and call failed, without GNS3's body. */
    public static ProblemException serverError(UUID serverId, String serverName, String operation, int status) {
        return new ProblemException(Problem.of(ProblemTypes.UPSTREAM_ERROR,
                        "GNS3 server " + serverName + " failed on " + operation + " (HTTP " + status + ")")
                .with("serverId", serverId).with("gns3Status", status).with("operation", operation));
    }

    static Problem validation(String message) {
        List<Problem.Violation> violations = new ArrayList<>();
        for (Pattern p : List.of(REQUIRED, UNEXPECTED)) {
            Matcher m = p.matcher(message);
            while (m.find()) {
                violations.add(new Problem.Violation(m.group(1), p == REQUIRED ? "is required" : "is not allowed"));
            }
        }
        String detail = message;
        int schema = message.indexOf("JSON schema error with API request");
        if (schema >= 0) {
            // "... and JSON data '{...}': <reason>": keep the reason, not the echo of the request
            int reason = message.lastIndexOf("': ");
            detail = "GNS3 rejected the request: " + (reason > 0 ? message.substring(reason + 3) : message);
        }
        return violations.isEmpty() ? Problem.of(ProblemTypes.BAD_REQUEST, detail)
                : Problem.of(ProblemTypes.VALIDATION, detail).withViolations(violations);
    }

    /** GNS3's {@code message}, or its text body, shortened. */
    static String message(byte[] body) {
        if (body == null || body.length == 0) {
            return "no details given";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode json = MAPPER.readTree(text);
            if (json != null && json.hasNonNull("message")) {
                text = json.get("message").asText();
            }
        } catch (Exception ignored) {
            // text/plain, e.g. "404: Not Found"
        }
        text = text.strip();
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text;
    }
}
