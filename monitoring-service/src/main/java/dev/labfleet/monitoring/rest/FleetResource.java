package dev.labfleet.monitoring.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.LinkState;
import dev.labfleet.monitoring.model.NodeState;
import dev.labfleet.monitoring.model.ServerState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.UUID;

/** The live model as plain reads (the streams push the same objects as they change). */
@Path("/api/v1/monitoring")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class FleetResource {

    private final FleetModel model;

    public FleetResource(FleetModel model) {
        this.model = model;
    }

    /** @param synced whether the model was rebuilt from the gateway since this replica started */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FleetView(String epoch, long seq, boolean synced, List<ServerState> servers, List<LabState> labs) {
    }

    public record LabView(LabState lab, List<NodeState> nodes, List<LinkState> links) {
    }

    /** The fleet: every server, and the labs the caller may see (as the fleet stream shows them). */
    @GET
    @Path("/fleet")
    public FleetView fleet() {
        io.quarkus.security.identity.SecurityIdentity caller = dev.labfleet.support.security.Caller.current();
        List<LabState> labs = dev.labfleet.support.security.LabAccess.seesAll(caller) ? model.labs()
                : model.labs().stream().filter(l -> model.visible(caller, l.projectId())).toList();
        return new FleetView(model.epoch(), model.seq(), model.synced(), model.servers(), labs);
    }

    @GET
    @Path("/labs/{projectId}")
    public LabView lab(@PathParam("projectId") String projectId) {
        String id = Ids.uuid("projectId", projectId);
        LabState lab = model.lab(id);
        if (lab == null) {
            throw ProblemException.notFound("no monitored lab " + id);
        }
        return new LabView(lab, model.nodes(id), model.links(id));
    }

    /** Path and query ids: a malformed one is a 400 naming the parameter. */
    public static final class Ids {
        private Ids() {
        }

        public static String uuid(String field, String text) {
            if (text == null || text.isBlank()) {
                throw ProblemException.invalid(field, "required");
            }
            try {
                return UUID.fromString(text.trim()).toString();
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid(field, "not a UUID");
            }
        }
    }
}
