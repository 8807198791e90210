package dev.labfleet.project.problem;

import jakarta.annotation.security.PermitAll;
import dev.labfleet.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.util.List;

/** Test-only endpoints that fail in every way a real resource can, to check the shared problem mapping. */
@Path("/test/problems")
@PermitAll
public class ProblemProbeResource {

    public enum Kind { vpcs, qemu }

    public record Port(@Min(0) @Max(7) int adapterNumber) {
    }

    public record Probe(@NotBlank String name, @NotNull Kind kind, @Size(max = 2) List<@Valid Port> ports) {
    }

    @POST
    @Path("/validate")
    public Uni<Probe> validate(@Valid Probe probe) {
        return Uni.createFrom().item(probe);
    }

    @GET
    @Path("/query")
    public Uni<String> query(@QueryParam("limit") @Min(1) @Max(10) int limit) {
        return Uni.createFrom().item("ok " + limit);
    }

    @GET
    @Path("/conflict")
    public Uni<String> conflict() {
        return Uni.createFrom().failure(new ProblemException(
                ProblemException.conflict("Port is already used").problem().with("projectId", "p1")));
    }

    @GET
    @Path("/breaker")
    public Uni<String> breaker() {
        return Uni.createFrom().failure(new CircuitBreakerOpenException("open"));
    }

    @GET
    @Path("/stale")
    public Uni<String> stale() {
        return Uni.createFrom().failure(new IllegalStateException("flush failed",
                new jakarta.persistence.OptimisticLockException("row was updated")));
    }

    @GET
    @Path("/boom")
    public Uni<String> boom() {
        return Uni.createFrom().failure(new IllegalStateException("secret internals at com.example.Foo.bar(Foo.java:42)"));
    }
}
