package dev.labfleet.automation.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class ScriptLibraryTest {

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> vpcsScript(String name) {
        return Map.of("name", name, "kind", "vpcs", "description", "address a PC and ping its neighbour",
                "body", "ip {ip}/{prefix}\nping {peer} -c {count}\n",
                "variables", List.of(
                        Map.of("name", "ip", "type", "ip", "required", true),
                        Map.of("name", "peer", "type", "ip", "required", true),
                        Map.of("name", "prefix", "type", "integer", "default", 24),
                        Map.of("name", "count", "type", "integer", "default", 2, "allowed", List.of(1, 2, 3))),
                "nodeFilter", Map.of("nodeTypes", List.of("vpcs"), "nameGlob", "PC*"),
                "assertions", List.of(Map.of("type", "pingLoss", "maxLossPercent", 0, "retries", 3, "intervalMs", 200)));
    }

    @Test
    void createReadReplaceVersionsAndDelete() {
        String name = unique("addr");
        String id = given().contentType(ContentType.JSON).body(vpcsScript(name))
                .when().post("/api/v1/scripts")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/scripts/"))
                .body("version", equalTo(1)).body("kind", equalTo("vpcs"))
                .body("variables[2].default", equalTo(24))
                .body("nodeFilter.nameGlob", equalTo("PC*"))
                .extract().path("id");

        given().when().get("/api/v1/scripts/" + id).then().statusCode(200).body("name", equalTo(name));

        Map<String, Object> changed = new java.util.HashMap<>(vpcsScript(name));
        changed.put("body", "ip {ip}/{prefix}\nshow ip\nping {peer} -c {count}\n");
        given().contentType(ContentType.JSON).body(changed).when().put("/api/v1/scripts/" + id)
                .then().statusCode(200).body("version", equalTo(2));
        // the same content again is no change: the version stays
        given().contentType(ContentType.JSON).body(changed).when().put("/api/v1/scripts/" + id)
                .then().statusCode(200).body("version", equalTo(2));

        given().contentType(ContentType.JSON).body(vpcsScript(name)).when().post("/api/v1/scripts")
                .then().statusCode(409).contentType("application/problem+json");

        given().when().delete("/api/v1/scripts/" + id).then().statusCode(204);
        given().when().get("/api/v1/scripts/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aTemplateSyntaxErrorNamesTheLine() {
        Map<String, Object> bad = new java.util.HashMap<>(vpcsScript(unique("bad")));
        bad.put("body", "ip {ip}/24\nshow ip\n{#if peer}\nping {peer}\n");
        given().contentType(ContentType.JSON).body(bad).when().post("/api/v1/scripts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", equalTo("body"))
                .body("detail", containsString("line"))
                .body("detail", not(containsString("Exception")));

        bad.put("body", "ip {ip\n");
        given().contentType(ContentType.JSON).body(bad).when().post("/api/v1/scripts")
                .then().statusCode(400).body("violations[0].field", equalTo("body"))
                .body("detail", containsString("line 1"));
    }

    @Test
    void badDeclarationsAreFourHundredsNamingTheField() {
        Map<String, Object> bad = new java.util.HashMap<>(vpcsScript(unique("decl")));
        bad.put("kind", "nxos");
        bad.put("variables", List.of(Map.of("name", "ip", "type", "ipv6"),
                Map.of("name", "n", "type", "integer", "default", "three")));
        bad.put("assertions", List.of(Map.of("type", "match", "pattern", "([a-z")));
        given().contentType(ContentType.JSON).body(bad).when().post("/api/v1/scripts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("kind"))
                .body("violations.field", hasItem("variables[0].type"))
                .body("violations.field", hasItem("variables[1].default"))
                .body("violations.field", hasItem("assertions[0].pattern"));

        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"kind\": ").when().post("/api/v1/scripts")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"kind\": \"vpcs\", \"body\": \"x\", "
                        + "\"variables\": \"nope\"}").when().post("/api/v1/scripts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("variables"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"kind\": \"vpcs\", \"body\": \"x\", "
                        + "\"colour\": \"red\"}").when().post("/api/v1/scripts")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void templatesInstantiateIntoScriptsWithCheckedValues() {
        Map<String, Object> template = new java.util.HashMap<>(vpcsScript(unique("tpl")));
        template.put("isTemplate", true);
        String templateId = given().contentType(ContentType.JSON).body(template).when().post("/api/v1/scripts")
                .then().statusCode(201).body("isTemplate", equalTo(true)).extract().path("id");

        given().contentType(ContentType.JSON).body(Map.of("name", unique("inst"), "variables", Map.of("count", 7)))
                .when().post("/api/v1/scripts/" + templateId + "/instantiate")
                .then().statusCode(400).body("violations[0].field", equalTo("variables.count"));

        String name = unique("inst");
        given().contentType(ContentType.JSON).body(Map.of("name", name, "variables", Map.of("count", 3)))
                .when().post("/api/v1/scripts/" + templateId + "/instantiate")
                .then().statusCode(201).body("isTemplate", equalTo(false)).body("templateId", equalTo(templateId))
                .body("variables.find { it.name == 'count' }.default", equalTo(3));

        given().when().get("/api/v1/scripts?isTemplate=true").then().statusCode(200)
                .body("name", hasItem(template.get("name")))
                .body("name", not(hasItem(name)));
    }

    @Test
    void theLibraryExportsAndImportsAsYaml() {
        String name = unique("yaml");
        given().contentType(ContentType.JSON).body(vpcsScript(name)).when().post("/api/v1/scripts")
                .then().statusCode(201);
        String yaml = given().accept("application/yaml").when().get("/api/v1/scripts/export")
                .then().statusCode(200).contentType(containsString("yaml")).extract().asString();
        assertThat(yaml).contains("scripts:").contains("name: " + name).contains("ip {ip}/{prefix}");

        String imported = unique("imported");
        String doc = "scripts:\n- name: " + imported + "\n  kind: cisco_ios\n  body: |\n    configure terminal\n"
                + "    hostname {hostname}\n    end\n  variables:\n  - name: hostname\n    type: string\n"
                + "    required: true\n";
        given().contentType("application/yaml").body((doc).getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/api/v1/scripts/import")
                .then().statusCode(200).body("created", equalTo(List.of(imported)));
        given().contentType("application/yaml").body((doc).getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/api/v1/scripts/import")
                .then().statusCode(200).body("unchanged", equalTo(List.of(imported)));
        given().contentType("application/yaml").body((doc.replace("end\n", "end\n    write memory\n")).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/scripts/import")
                .then().statusCode(200).body("updated", equalTo(List.of(imported)));
        // the whole export goes back in without a change
        given().contentType("application/yaml").body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/api/v1/scripts/import")
                .then().statusCode(200).body("unchanged", hasItem(name));

        given().contentType("application/yaml").body(("scripts:\n- name: a\n  kind: vpcs\n  body: 'ip {x'\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/scripts/import")
                .then().statusCode(400).body("violations[0].field", equalTo("scripts[0].body"));
        given().contentType("application/yaml").body(("scripts: [\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/api/v1/scripts/import")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/yaml").body(("scripts:\n- name: a\n  colour: red\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/scripts/import")
                .then().statusCode(400).body("detail", containsString("colour"));
    }
}
