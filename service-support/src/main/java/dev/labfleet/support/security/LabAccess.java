package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import io.quarkus.security.identity.SecurityIdentity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Who may see and change a lab: its owner, and the members of a group the lab is labelled with (a tag
 * {@code group:<name>}); an admin sees and changes every lab. A viewer of the group sees it, an operator of the group
 * (or its owner, being an operator) changes it. With security off (tests) and for the suite's own actions (no
 * request), everything is allowed.
 */
public final class LabAccess {

    /** A lab tagged {@code group:ccna} belongs to group {@code ccna}. */
    public static final String GROUP_TAG = "group:";

    private LabAccess() {
    }

    /** Whether the caller may see a lab of {@code owner} with {@code tags}. */
    public static boolean canSee(SecurityIdentity identity, String owner, Collection<String> tags) {
        if (identity == null || Caller.open(identity) || Caller.admin(identity)) {
            return true;
        }
        if (identity.isAnonymous()) {
            return false;
        }
        if (owner != null && owner.equals(Caller.name(identity))) {
            return true;
        }
        if (tags != null) {
            for (String group : Caller.groups(identity)) {
                if (tags.contains(GROUP_TAG + group)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the caller may change such a lab: it sees it and is an operator. */
    public static boolean canChange(SecurityIdentity identity, String owner, Collection<String> tags) {
        return canSee(identity, owner, tags) && (identity == null || identity.hasRole(Roles.OPERATOR));
    }

    /** The tags that make a lab visible to the caller through its groups. */
    public static List<String> groupTags(SecurityIdentity identity) {
        List<String> tags = new ArrayList<>();
        for (String group : Caller.groups(identity)) {
            tags.add(GROUP_TAG + group);
        }
        return tags;
    }

    /** Whether the caller sees every lab (admin, security off, or the suite itself). */
    public static boolean seesAll(SecurityIdentity identity) {
        return identity == null || Caller.open(identity) || Caller.admin(identity);
    }
}
