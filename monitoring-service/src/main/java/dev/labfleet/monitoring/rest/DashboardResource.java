package dev.labfleet.monitoring.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** {@code /dashboard} is the page at {@code /} (also served as {@code /dashboard/}). */
@Path("/dashboard")
@PermitAll
public class DashboardResource {

    @GET
    public Response dashboard() {
        return Response.seeOther(URI.create("/dashboard/")).build();
    }
}
