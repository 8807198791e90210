package dev.labfleet.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One JSON casing in the public API (docs/api.md), read from the service's own {@code /q/openapi}: Labfleet's own
 * members and query parameters are camelCase; a snake_case member is allowed only in a schema this service names as
 * GNS3's own object ({@link #gns3Schemas()}: a node or link as GNS3 reports it, a spec, the gateway's GNS3 bodies), and
 * a snake_case parameter only on a path of GNS3's own API ({@link #gns3Paths()}). No schema spells one member both
 * ways ({@code serverId} beside {@code server_id}).
 */
public interface ApiCasingContract {

    /** GNS3's own objects in this service's document, by schema name: their members keep GNS3's snake_case. */
    default Set<String> gns3Schemas() {
        return Set.of();
    }

    /** Paths whose query parameters are GNS3's own (the gateway's GNS3 API); none by default. */
    default Pattern gns3Paths() {
        return Pattern.compile("(?!)");
    }

    @Test
    default void thePublicApiUsesOneJsonCasing() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(RestAssured.given().accept(ContentType.JSON)
                .queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract().asString());
        List<String> leaks = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> schemas = doc.path("components").path("schemas").fields();
             schemas.hasNext(); ) {
            Map.Entry<String, JsonNode> schema = schemas.next();
            Map<String, String> seen = new HashMap<>();
            for (Iterator<String> names = schema.getValue().path("properties").fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.contains("_") && !gns3Schemas().contains(schema.getKey())) {
                    leaks.add("schema " + schema.getKey() + ": member " + name);
                }
                String other = seen.put(name.replace("_", "").toLowerCase(Locale.ROOT), name);
                if (other != null) {
                    leaks.add("schema " + schema.getKey() + ": " + other + " and " + name + " both");
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (gns3Paths().matcher(path.getKey()).matches()) {
                continue;
            }
            for (JsonNode operation : path.getValue()) {
                for (JsonNode parameter : operation.path("parameters")) {
                    if (parameter.path("name").asText().contains("_")) {
                        leaks.add("parameter " + parameter.path("name").asText() + " of " + path.getKey());
                    }
                }
            }
        }
        assertThat(leaks).as("snake_case outside GNS3's own objects (docs/api.md, JSON casing)").isEmpty();
    }
}
