package dev.labfleet.project.repository;

import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    /** Filters of the project list; null means "any". */
    public record Filter(UUID serverId, ProjectStatus status, String tag, String nameContains, Visibility visibility) {
        public Filter(UUID serverId, ProjectStatus status, String tag, String nameContains) {
            this(serverId, status, tag, nameContains, null);
        }
    }

    /** Only labs of {@code owner} or tagged with one of {@code groupTags} ({@code group:<name>}); null: every lab. */
    public record Visibility(String owner, List<String> groupTags) {
    }

    /** The sort key a cursor carries: creation time, then id. */
    public static String cursorKey(Project p) {
        return p.createdAt.toString() + "|" + p.id;
    }

    /** Up to {@code limit + 1} projects after the cursor, oldest first (the extra one tells there is a next page). */
    public Uni<List<Project>> page(Filter filter, String cursor, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (filter.serverId() != null) {
            where.add("serverId = :serverId");
            params.and("serverId", filter.serverId());
        }
        if (filter.status() != null) {
            where.add("status = :status");
            params.and("status", filter.status());
        }
        if (filter.tag() != null) {
            where.add("array_contains(tags, :tag)");
            params.and("tag", filter.tag());
        }
        if (filter.visibility() != null) {
            if (filter.visibility().groupTags().isEmpty()) {
                where.add("owner = :owner");
            } else {
                where.add("(owner = :owner or array_overlaps(tags, :groupTags))");
                params.and("groupTags", filter.visibility().groupTags().toArray(String[]::new));
            }
            params.and("owner", filter.visibility().owner());
        }
        if (filter.nameContains() != null) {
            where.add("lower(name) like :name");
            params.and("name", "%" + filter.nameContains().toLowerCase().replace("%", "\\%").replace("_", "\\_") + "%");
        }
        String key = Cursor.decode(cursor);
        if (key != null) {
            String[] parts = key.split("\\|", 2);
            try {
                params.and("afterTime", OffsetDateTime.parse(parts[0])).and("afterId", UUID.fromString(parts[1]));
            } catch (DateTimeParseException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw ProblemException.invalid("cursor", "not a cursor of this list");
            }
            where.add("(createdAt > :afterTime or (createdAt = :afterTime and id > :afterId))");
        }
        String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by createdAt, id";
        return find(query.trim(), params).page(0, limit + 1).list();
    }

    public Uni<Project> findByOwnerAndName(String owner, String name) {
        return find("owner = ?1 and name = ?2", owner, name).firstResult();
    }
}
