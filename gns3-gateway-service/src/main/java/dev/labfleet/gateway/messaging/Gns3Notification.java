package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One GNS3 notification ({@code {"action": ..., "event": {...}}}), read in one streaming pass. The event goes on to
 * Kafka as the text GNS3 sent (a raw JSON value, written into the CloudEvent as is): a thousand-node apply makes
 * thousands of notifications, each a full node, and building a tree of each only to write it out again was most
 * of the bridge's work and garbage. Only what the bridge routes by is picked out: the event's top-level ids and
 * status.
 *
 * @param event    the event as a raw JSON value (missing when the notification has none)
 * @param ids      the event's top-level textual {@code *_id} fields
 * @param status   the event's {@code status}, or null
 */
record Gns3Notification(String action, JsonNode event, Map<String, String> ids, String status) {

    /** The event's {@code project_id}, or null. */
    String projectId() {
        return ids.get("project_id");
    }

    /** The id of the object the action is about ({@code node_id} for {@code node.updated}...), or null. */
    String subjectId() {
        int dot = action.indexOf('.');
        return ids.get((dot < 0 ? action : action.substring(0, dot)) + "_id");
    }

    /** @return null when the text is not a JSON object with a textual {@code action} */
    static Gns3Notification read(JsonFactory json, String text) {
        try (JsonParser in = json.createParser(text)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String action = null;
            JsonNode event = MissingNode.getInstance();
            Map<String, String> ids = new HashMap<>(4);
            String status = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                JsonToken value = in.nextToken();
                if (name.equals("action")) {
                    action = value == JsonToken.VALUE_STRING ? in.getText() : null;
                } else if (name.equals("event") && value == JsonToken.START_OBJECT) {
                    int start = (int) in.currentTokenLocation().getCharOffset();
                    while (in.nextToken() == JsonToken.FIELD_NAME) {
                        String field = in.currentName();
                        JsonToken v = in.nextToken();
                        if (v == JsonToken.VALUE_STRING && (field.endsWith("_id") || field.equals("status"))) {
                            if (field.equals("status")) {
                                status = in.getText();
                            } else {
                                ids.put(field, in.getText());
                            }
                        } else {
                            in.skipChildren();
                        }
                    }
                    int end = (int) in.currentTokenLocation().getCharOffset() + 1;
                    event = JsonNodeFactory.instance.rawValueNode(new RawValue(text.substring(start, end)));
                } else if (name.equals("event") && value == JsonToken.START_ARRAY) {
                    int start = (int) in.currentTokenLocation().getCharOffset();
                    in.skipChildren();
                    int end = (int) in.currentTokenLocation().getCharOffset() + 1;
                    event = JsonNodeFactory.instance.rawValueNode(new RawValue(text.substring(start, end)));
                } else if (name.equals("event")) {
                    event = value == JsonToken.VALUE_NULL ? JsonNodeFactory.instance.nullNode()
                            : in.readValueAsTree(); // a scalar: nothing to save
                } else {
                    in.skipChildren();
                }
            }
            return action == null || action.isEmpty() ? null : new Gns3Notification(action, event, ids, status);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
