package dev.labfleet.support.security;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ownership on every lab-scoped route of a service other than project-service: a route whose path names a lab
 * ({@code {projectId}}, as {@code /api/v1/projects/{projectId}/nodes} in topology-service,
 * {@code /api/v1/servers/{serverId}/projects/{projectId}/...} in the gateway, {@code /labs/{projectId}} in
 * monitoring-service) answers a caller who may not see that lab 403, one who may see it but not change it 403 on a
 * change, and a lab project-service does not know 404, before the route runs (docs/security.md). Admins, the suite's
 * service account (an admin) and services with security off pass without a lookup. It runs after the role check
 * ({@code @RolesAllowed}), so a viewer on a change is refused for its role first.
 *
 * <p>{@code labfleet.security.lab-scope.enabled} [true]; project-service turns it off (it applies the same rule to
 * its own data). {@code labfleet.security.lab-scope.unknown-labs}: {@code deny} [default: a lab project-service does
 * not know is a 404] or {@code pass} (the gateway: its raw GNS3 routes also serve GNS3 projects no lab records yet,
 * such as the one project-service creates, or undoes, before it records the lab). The owner and tags come from
 * {@link LabDirectory}.
 */
public class LabScopeFilter {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final LabDirectory directory;
    private final boolean enabled;
    private final boolean unknownPass;

    public LabScopeFilter(LabDirectory directory) {
        this.directory = directory;
        this.enabled = SecuritySwitch.enabled() && ConfigProvider.getConfig()
                .getOptionalValue("labfleet.security.lab-scope.enabled", Boolean.class).orElse(true);
        this.unknownPass = "pass".equals(ConfigProvider.getConfig()
                .getOptionalValue("labfleet.security.lab-scope.unknown-labs", String.class).orElse("deny"));
    }

    @ServerRequestFilter
    public Uni<Void> check(ContainerRequestContext request) {
        if (!enabled) {
            return null;
        }
        String projectId = request.getUriInfo().getPathParameters().getFirst("projectId");
        if (projectId == null || !UUID_TEXT.matcher(projectId).matches()) {
            return null; // no lab in the path, or not a lab id: the route answers (400/404) as it does
        }
        SecurityIdentity caller = Caller.current();
        if (caller == null || caller.isAnonymous() || LabAccess.seesAll(caller)) {
            return null;
        }
        String id = projectId.toLowerCase(java.util.Locale.ROOT);
        boolean change = !READS.contains(request.getMethod());
        if (change && !caller.hasRole(dev.labfleet.common.security.Roles.OPERATOR)) {
            return null; // every change needs the operator role: the route's own rule refuses it (403), no lookup
        }
        return directory.lab(id).map(lab -> {
            if (lab.exists() || !unknownPass) {
                decide(caller, lab, change);
            }
            return null;
        });
    }

    /** Throws the problem that refuses {@code caller} on {@code lab}, if any. */
    static void decide(SecurityIdentity caller, LabDirectory.Lab lab, boolean change) {
        if (!lab.exists()) {
            throw new ProblemException(Problem.of(ProblemTypes.NOT_FOUND, "no lab " + lab.projectId()));
        }
        if (!LabAccess.canSee(caller, lab.owner(), lab.tags())) {
            throw new ProblemException(Problem.of(ProblemTypes.FORBIDDEN, "lab " + lab.projectId()
                    + " is neither the caller's nor labelled with one of the caller's groups"));
        }
        if (change && !LabAccess.canChange(caller, lab.owner(), lab.tags())) {
            throw new ProblemException(Problem.of(ProblemTypes.FORBIDDEN, "changing lab " + lab.projectId()
                    + " needs the operator role"));
        }
    }
}
