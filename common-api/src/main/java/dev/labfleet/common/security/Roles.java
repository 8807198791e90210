package dev.labfleet.common.security;

import java.util.List;
import java.util.Set;

/**
 * The three roles every route declares one of ({@code @RolesAllowed}). They nest: an admin is also an operator and a
 * viewer, an operator also a viewer ({@link LabfleetIdentityAugmentor} adds the implied roles), so a route names the
 * least role it needs.
 *
 * <ul>
 *   <li>{@link #VIEWER}: reads (the labs its groups may see, or all for an admin);</li>
 *   <li>{@link #OPERATOR}: labs, topologies, nodes, links, captures, scripts, executions, selections;</li>
 *   <li>{@link #ADMIN}: the server registry, templates, healing policies, alert rules, reindex, everything.</li>
 * </ul>
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    public static final List<String> ALL = List.of(VIEWER, OPERATOR, ADMIN);

    /** The {@link io.quarkus.security.identity.SecurityIdentity} attribute holding the caller's groups (a Set). */
    public static final String GROUPS_ATTRIBUTE = "labfleet.groups";

    private Roles() {
    }

    /** The role itself and every role below it. */
    public static Set<String> implied(String role) {
        return switch (role) {
            case ADMIN -> Set.of(ADMIN, OPERATOR, VIEWER);
            case OPERATOR -> Set.of(OPERATOR, VIEWER);
            case VIEWER -> Set.of(VIEWER);
            default -> Set.of(role);
        };
    }
}
