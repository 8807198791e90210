package dev.labfleet.project.fleet;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/**
 * Classes: the copies of a lab made by {@code POST /api/v1/projects/{projectId}/copies} (in ProjectResource), one
 * result per copy, and their teardown.
 */
@Path("/api/v1/classes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "classes", description = "A lab copied for a class across servers: results per copy, teardown")
@RolesAllowed(Roles.VIEWER)
public class ClassResource {

    private final ClassService classes;

    public ClassResource(ClassService classes) {
        this.classes = classes;
    }

    @GET
    @Operation(summary = "Classes, newest first, without their copies (the caller's own and its groups' unless admin)")
    public Uni<List<ClassView>> list(@QueryParam("group") @ValidName(max = 200) String group) {
        return classes.list(group);
    }

    @GET
    @Path("/{classId}")
    @Operation(summary = "A class: its counts, copies per server and one result per copy")
    public Uni<ClassView> get(@PathParam("classId") UUID classId) {
        return classes.get(classId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{classId}")
    @Operation(summary = "Tear a class down: every copy deleted (copies not made yet are cancelled)",
            description = "202 with the class; each copy's deletion is its own result (state deleted). Its creator or "
                    + "an admin only.")
    @APIResponse(responseCode = "202", description = "The class, being torn down", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClassView.class)))
    public Uni<Response> delete(@PathParam("classId") UUID classId) {
        return classes.delete(classId).map(v -> Response.accepted(v).build());
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Operation(summary = "Tear down every class of a group (admin)", description = "group is required.")
    @APIResponse(responseCode = "202", description = "The group's classes, being torn down", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = ClassView.class)))
    public Uni<Response> deleteGroup(@QueryParam("group") @NotNull @ValidName(max = 200) String group) {
        return classes.deleteGroup(group).map(v -> Response.accepted(v).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{classId}/retry")
    @Operation(summary = "Make the failed copies of a class again (same numbers, same lab ids: never a second copy)")
    public Uni<ClassView> retry(@PathParam("classId") UUID classId) {
        return classes.retryFailed(classId);
    }
}
