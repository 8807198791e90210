package dev.labfleet.monitoring.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** The web page is one static file ({@code META-INF/resources/index.html}); {@code /dashboard} serves the same page. */
@Singleton
public class DashboardPageRoutes {

    void install(@Observes Router router) {
        router.get("/dashboard").handler(context -> context.reroute("/index.html"));
        router.get("/dashboard/").handler(context -> context.reroute("/index.html"));
    }
}
