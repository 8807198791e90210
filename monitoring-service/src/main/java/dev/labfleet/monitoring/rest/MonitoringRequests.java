package dev.labfleet.monitoring.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;

/** Request bodies read by hand, so every problem names its field. */
final class MonitoringRequests {

    private MonitoringRequests() {
    }

    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object");
        }
        return body;
    }

    static String uuid(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ProblemException.invalid(field, "required");
        }
        if (!v.isTextual()) {
            throw ProblemException.invalid(field, "must be a string (a UUID)");
        }
        return FleetResource.Ids.uuid(field, v.asText());
    }

    static int integer(JsonNode body, String field, int dflt, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ProblemException.invalid(field, "must be an integer from " + min + " to " + max);
        }
        return v.asInt();
    }

    static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ProblemException.invalid(field, "required");
        }
        if (!v.isBoolean()) {
            throw ProblemException.invalid(field, "must be true or false");
        }
        return v.asBoolean();
    }
}
