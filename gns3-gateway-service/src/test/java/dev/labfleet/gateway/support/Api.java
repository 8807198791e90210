package dev.labfleet.gateway.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small helpers over RestAssured for the gateway's API. */
public final class Api {

    private Api() {
    }

    public static RequestSpecification json() {
        return RestAssured.given().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    /** Registers a server (or finds it by URL when it already is) and answers its id. */
    public static UUID server(String name, String url) {
        List<Map<String, Object>> items = json().queryParam("limit", 500).get("/api/v1/servers")
                .then().statusCode(200).extract().path("items");
        for (Map<String, Object> item : items) {
            if (url.equals(item.get("url"))) {
                return UUID.fromString((String) item.get("id"));
            }
        }
        String id = json().body(Map.of("name", name, "url", url)).post("/api/v1/servers")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** Creates a GNS3 project with a chosen id on a server ({@code base} = {@code /api/v1/servers/{id}}); its id. */
    public static String project(String base, String namePrefix) {
        String projectId = java.util.UUID.randomUUID().toString();
        json().body(Map.of("name", namePrefix + projectId, "project_id", projectId)).post(base + "/projects")
                .then().statusCode(201);
        return projectId;
    }
}
