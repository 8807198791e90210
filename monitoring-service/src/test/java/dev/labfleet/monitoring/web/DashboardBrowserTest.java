package dev.labfleet.monitoring.web;

import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.PingLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page in headless Chromium (Debian's chromium and chromium-driver; installed with apt-get when missing): it
 * loads, shows the fleet, then a node's status change and a link's traffic without a reload.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class DashboardBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    @BeforeAll
    static void chromium() throws Exception {
        if (!new File(DRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
            // a fresh machine: Debian's packages (never a driver download)
            Process p = new ProcessBuilder("apt-get", "install", "-y", "--no-install-recommends", "chromium",
                    "chromium-driver").inheritIO().start();
            assertThat(p.waitFor()).as("apt-get install chromium chromium-driver").isZero();
        }
    }

    @Test
    void thePageShowsTheFleetThenANodeStatusChangeAndLinkTrafficLive() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        PingLab lab = new PingLab();
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            driver.get("http://127.0.0.1:" + RestAssured.port + "/?lab=" + lab.projectId);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "live".equals(driver.findElement(By.id("conn-status")).getAttribute("data-state")));
            // the fleet: the simulated server and this lab
            await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(
                    By.cssSelector("#servers tr[data-server-id='" + MonitoringStandIn.SERVER_ID + "']")).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(
                    By.cssSelector("#labs tr[data-project-id='" + lab.projectId + "']")).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> "started".equals(nodeStatus(driver, lab.pc3)));

            Labs.stop(lab.projectId, lab.pc3);
            await().atMost(Duration.ofSeconds(10)).until(() -> "stopped".equals(nodeStatus(driver, lab.pc3)));

            lab.select(0);
            try (Socket ping = lab.ping(200)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> linkPps(driver, lab.link1) > 0);
            }
            assertThat(driver.findElement(By.cssSelector("#labs tr[data-project-id='" + lab.projectId + "'] td.running"))
                    .getText()).isEqualTo("3 / 4");
        } finally {
            driver.quit();
            given().delete("/api/v1/monitoring/selections/" + lab.projectId); // selected or not
        }
    }

    private static String nodeStatus(WebDriver driver, String nodeId) {
        return attribute(driver, "#topology g.node[data-node-id='" + nodeId + "']", "data-status");
    }

    private static double linkPps(WebDriver driver, String linkId) {
        String pps = attribute(driver, "#topology g.link[data-link-id='" + linkId + "']", "data-pps");
        return pps == null ? 0 : Double.parseDouble(pps);
    }

    /** Reads an element's attribute in one script call: the page redraws its SVG as deltas arrive, so an element
     * found first and read afterwards can be gone in between (a stale element reference). */
    private static String attribute(WebDriver driver, String selector, String name) {
        Object value = ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                selector, name);
        return value == null ? null : value.toString();
    }
}
