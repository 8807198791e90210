package dev.labfleet.monitoring.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** {@code /}, {@code /dashboard} and {@code /dashboard/} answer the one dashboard page. */
@QuarkusTest
class DashboardPageRoutesTest {

    @Test
    void everyPathOfThePageAnswersTheSamePage() {
        String page = RestAssured.get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/monitoring.js")).extract().asString();
        for (String path : new String[] {"/dashboard", "/dashboard/"}) {
            RestAssured.get(path).then().statusCode(200).contentType(containsString("text/html")).body(equalTo(page));
        }
    }
}
