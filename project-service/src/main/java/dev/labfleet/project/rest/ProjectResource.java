package dev.labfleet.project.rest;

import dev.labfleet.common.id.Ids;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.service.ProjectService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projects", description = "Labs across the GNS3 fleet")
public class ProjectResource {

    private final ProjectService projects;

    public ProjectResource(ProjectService projects) {
        this.projects = projects;
    }

    @GET
    @Operation(summary = "List labs", description = "Oldest first; pass nextCursor as cursor for the next page.")
    public Uni<CursorPage<ProjectView>> list(
            @QueryParam("serverId") String serverId,
            @QueryParam("status") @Pattern(regexp = "opened|closed|missing", message = "must be opened, closed or missing")
            String status,
            @QueryParam("tag") @Size(max = 100) String tag,
            @QueryParam("name") @Size(max = 200) String name,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @Min(1) @Max(CursorPage.MAX_LIMIT) Integer limit) {
        ProjectStatus parsed = status == null ? null : ProjectStatus.valueOf(status.toUpperCase());
        return projects.list(Ids.parseParameter("serverId", serverId), parsed, tag, name, cursor, limit);
    }

    @GET
    @Path("/{projectId}")
    @Operation(summary = "One lab, with its live node and link counts")
    public Uni<ProjectView> get(@PathParam("projectId") UUID projectId) {
        return projects.get(projectId);
    }
}
