package dev.labfleet.search.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.search.index.IndexSchema;
import dev.labfleet.search.query.SearchRequest;
import dev.labfleet.search.rest.SearchResource;
import dev.labfleet.search.service.SearchService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Each user's own dashboards: named lists of widgets, each a saved search or an aggregate (a facet's counts). */
@ApplicationScoped
public class CustomDashboardService {

    public static final int MAX_WIDGETS = 20;

    private final Pool pool;
    private final IndexSchema schema;
    private final SearchService search;
    private final SearchResource parser;

    public CustomDashboardService(Pool pool, IndexSchema schema, SearchService search, SearchResource parser) {
        this.pool = pool;
        this.schema = schema;
        this.search = search;
        this.parser = parser;
    }

    /**
     * A widget.
     *
     * @param type  {@code search} (the first {@code limit} hits) or {@code aggregate} (the counts of {@code facet})
     * @param q     the query, in the search syntax; {@code kind} narrows it
     * @param facet for aggregates: kind, server, status, type, template or label
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Widget(String title, String type, String q, String kind, String facet, Integer limit) {
    }

    public record Request(String name, List<Widget> widgets) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(UUID dashboardId, String owner, String name, List<Widget> widgets, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt, List<Object> results) {
    }

    /** A widget's answer: the hits of a search, or a facet's counts and the total of an aggregate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String title, Object hits, Object counts, Long total) {
    }

    private List<SearchRequest> validate(Request request) {
        if (request == null) {
            throw ProblemException.invalid("body", "required");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw ProblemException.invalid("name", "required, at most 100 characters");
        }
        if (request.widgets() == null || request.widgets().isEmpty() || request.widgets().size() > MAX_WIDGETS) {
            throw ProblemException.invalid("widgets", "between 1 and " + MAX_WIDGETS + " widgets");
        }
        List<SearchRequest> out = new ArrayList<>();
        for (int i = 0; i < request.widgets().size(); i++) {
            Widget w = request.widgets().get(i);
            String at = "widgets[" + i + "]";
            if (w == null) {
                throw ProblemException.invalid(at, "required");
            }
            if (w.title() == null || w.title().isBlank() || w.title().length() > 100) {
                throw ProblemException.invalid(at + ".title", "required, at most 100 characters");
            }
            boolean aggregate = "aggregate".equals(w.type());
            if (!aggregate && !"search".equals(w.type())) {
                throw ProblemException.invalid(at + ".type", "must be search or aggregate");
            }
            if (aggregate && (w.facet() == null || !SearchRequest.FACETS.contains(w.facet()))) {
                throw ProblemException.invalid(at + ".facet", "one of " + String.join(", ",
                        SearchRequest.FACETS.stream().sorted().toList()));
            }
            int limit = w.limit() == null ? 10 : w.limit();
            if (limit < 1 || limit > 50) {
                throw ProblemException.invalid(at + ".limit", "between 1 and 50");
            }
            try {
                out.add(parser.request(w.q(), w.kind() == null ? List.of() : List.of(w.kind()), null, null, List.of(),
                        List.of(), null, null, null, null, aggregate ? 1 : limit, aggregate ? w.facet() : "none"));
            } catch (ProblemException e) {
                throw ProblemException.invalid(at + "." + e.problem().detail().split(":", 2)[0],
                        e.problem().detail().contains(":") ? e.problem().detail().split(":", 2)[1].trim()
                                : e.problem().detail());
            }
        }
        return out;
    }

    public Uni<List<View>> list(String owner) {
        return schema.ready().chain(() -> pool.preparedQuery("SELECT * FROM search_dashboard WHERE owner = $1"
                + " ORDER BY name").execute(Tuple.of(owner))).map(rows -> {
            List<View> out = new ArrayList<>();
            for (Row row : rows) {
                out.add(view(row, null));
            }
            return out;
        });
    }

    public Uni<View> create(String owner, Request request) {
        validate(request);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return schema.ready().chain(() -> pool.preparedQuery("INSERT INTO search_dashboard (id, owner, name, widgets,"
                        + " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *")
                .execute(Tuple.of(UUID.randomUUID(), owner, request.name().trim(), widgets(request), now)))
                .map(rows -> view(rows.iterator().next(), null))
                .onFailure(PgException.class).transform(CustomDashboardService::conflict);
    }

    public Uni<View> update(String owner, UUID id, Request request) {
        validate(request);
        return schema.ready().chain(() -> pool.preparedQuery("UPDATE search_dashboard SET name = $3, widgets = $4,"
                        + " updated_at = $5 WHERE id = $1 AND owner = $2 RETURNING *")
                .execute(Tuple.of(id, owner, request.name().trim(), widgets(request), OffsetDateTime.now(ZoneOffset.UTC))))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("no dashboard " + id + " of " + owner);
                    }
                    return view(rows.iterator().next(), null);
                })
                .onFailure(PgException.class).transform(CustomDashboardService::conflict);
    }

    public Uni<Void> delete(String owner, UUID id) {
        return schema.ready().chain(() -> pool.preparedQuery("DELETE FROM search_dashboard WHERE id = $1 AND owner = $2")
                .execute(Tuple.of(id, owner))).map(rows -> {
            if (rows.rowCount() == 0) {
                throw ProblemException.notFound("no dashboard " + id + " of " + owner);
            }
            return null;
        });
    }

    /** A dashboard with each widget's current answer. */
    public Uni<View> render(String owner, UUID id) {
        return schema.ready().chain(() -> pool.preparedQuery("SELECT * FROM search_dashboard WHERE id = $1 AND owner = $2")
                .execute(Tuple.of(id, owner))).chain(rows -> {
            if (rows.rowCount() == 0) {
                throw ProblemException.notFound("no dashboard " + id + " of " + owner);
            }
            View stored = view(rows.iterator().next(), null);
            List<SearchRequest> requests = validate(new Request(stored.name(), stored.widgets()));
            List<Uni<Object>> answers = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                Widget w = stored.widgets().get(i);
                SearchRequest r = requests.get(i);
                // an aggregate widget is a figure: counted over every match, not up to the search's count limit
                answers.add(("aggregate".equals(w.type()) ? search.search(r, Integer.MAX_VALUE) : search.search(r))
                        .map(page -> "aggregate".equals(w.type())
                        ? new Result(w.title(), null, page.facets() == null ? null : page.facets().get(w.facet()), page.total())
                        : new Result(w.title(), page.items(), null, null)));
            }
            return Multi.createFrom().iterable(answers).onItem().transformToUniAndConcatenate(u -> u).collect().asList()
                    .map(results -> new View(stored.dashboardId(), stored.owner(), stored.name(), stored.widgets(),
                            stored.createdAt(), stored.updatedAt(), results));
        });
    }

    private static Throwable conflict(Throwable e) {
        return "23505".equals(((PgException) e).getSqlState())
                ? ProblemException.conflict("you already have a dashboard of that name") : e;
    }

    private static io.vertx.core.json.JsonArray widgets(Request request) {
        return new JsonArray(CloudEventCodec.mapper().convertValue(request.widgets(), List.class));
    }

    private static View view(Row row, List<Object> results) {
        List<Widget> widgets = CloudEventCodec.mapper().convertValue(row.getJsonArray("widgets").getList(),
                CloudEventCodec.mapper().getTypeFactory().constructCollectionType(List.class, Widget.class));
        return new View(row.getUUID("id"), row.getString("owner"), row.getString("name"), widgets,
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), results);
    }
}
