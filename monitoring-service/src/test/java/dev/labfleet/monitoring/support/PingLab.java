package dev.labfleet.monitoring.support;

import java.net.Socket;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A lab of three VPCS on a switch (PC1 and PC2 addressed, PC3 idle), started and known to the service. */
public final class PingLab {

    public final String projectId;
    public final String pc1;
    public final String pc2;
    public final String pc3;
    public final String sw;
    /** PC1-SW1, PC2-SW1, PC3-SW1; PC1, PC2, PC3 are each side a of their link. */
    public final String link1;
    public final String link2;
    public final String link3;

    public PingLab() {
        projectId = Labs.project();
        pc1 = Labs.vpcs(projectId, "PC1");
        pc2 = Labs.vpcs(projectId, "PC2");
        pc3 = Labs.vpcs(projectId, "PC3");
        sw = Labs.node(projectId, "SW1", "ethernet_switch");
        link1 = Labs.link(projectId, pc1, 0, sw, 0);
        link2 = Labs.link(projectId, pc2, 0, sw, 1);
        link3 = Labs.link(projectId, pc3, 0, sw, 2);
        Labs.start(projectId, pc1);
        Labs.start(projectId, pc2);
        Labs.start(projectId, pc3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + projectId)
                .then().statusCode(200).body("lab.links", equalTo(3)).body("lab.runningNodes", equalTo(4))); // the switch runs from creation);
    }

    /** PC1 pings PC2 {@code count} times (every 200 ms in the test simulator). */
    public Socket ping(int count) throws Exception {
        Labs.console(projectId, pc2, "ip 10.0.0.2/24");
        return Labs.console(projectId, pc1, "ip 10.0.0.1/24", "ping 10.0.0.2 -c " + count);
    }

    public void select(int priority) {
        given().contentType("application/json").body("{\"projectId\":\"" + projectId + "\",\"priority\":" + priority + "}")
                .post("/api/v1/monitoring/selections").then().statusCode(201);
    }

    /** Whether GNS3 (the simulator) captures a link of this lab now. */
    public boolean capturing(String linkId) {
        return Boolean.TRUE.equals(Labs.gns3().get("/v2/projects/" + projectId + "/links/" + linkId).then()
                .extract().path("capturing"));
    }

    /** Waits until the service captures the links PC1's pings cross, so traffic sent from now on is seen. */
    public void awaitCaptured() {
        await().atMost(Duration.ofSeconds(20)).until(() -> capturing(link1) && capturing(link2));
    }

    public void unselect() {
        given().delete("/api/v1/monitoring/selections/" + projectId).then().statusCode(204);
    }
}
