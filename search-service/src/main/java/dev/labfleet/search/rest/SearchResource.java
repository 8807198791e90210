package dev.labfleet.search.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.id.Ids;
import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.Kind;
import dev.labfleet.search.query.QueryParser;
import dev.labfleet.search.query.SearchRequest;
import dev.labfleet.search.service.HistoryService;
import dev.labfleet.search.service.ReindexService;
import dev.labfleet.search.service.SearchService;
import dev.labfleet.search.service.SuggestService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "search", description = "Fleet-wide search over servers, labs, nodes, links, templates, snapshots, "
        + "scripts, workflows, executions, anomalies and events")
@RolesAllowed(Roles.VIEWER)
public class SearchResource {

    private final SearchService search;
    private final SuggestService suggest;
    private final HistoryService history;
    private final ReindexService reindex;
    private final SearchConfig config;

    public SearchResource(SearchService search, SuggestService suggest, HistoryService history, ReindexService reindex,
                          SearchConfig config) {
        this.search = search;
        this.suggest = suggest;
        this.history = history;
        this.reindex = reindex;
        this.config = config;
    }

    @GET
    @Operation(summary = "Search the fleet", description = "Words are prefixes (leaf finds leaf3), \"quoted words\" a "
            + "phrase, -word excludes, field:value filters (kind, status, type, template, label, server, project, "
            + "name). Hits are ranked (name first), highlighted and linked to their owning service; facets count "
            + "every match. Events are searched with kind=event.")
    public Uni<SearchPage> search(
            @QueryParam("q") String q,
            @Parameter(description = "kinds, comma-separated or repeated") @QueryParam("kind") List<String> kind,
            @QueryParam("serverId") String serverId,
            @QueryParam("projectId") String projectId,
            @QueryParam("status") List<String> status,
            @Parameter(description = "a tag or key=value label; repeated: all of them") @QueryParam("label") List<String> label,
            @Parameter(description = "ISO-8601, inclusive") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601, exclusive") @QueryParam("to") String to,
            @Parameter(description = "relevance (default with words), newest (default without), oldest, name")
            @QueryParam("sort") String sort,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit,
            @Parameter(description = "facets to count, comma-separated: kind, server, status, type, template, label; "
                    + "none for none [all]") @QueryParam("facets") String facets,
            @HeaderParam(Caller.HEADER) String user) {
        SearchRequest request = request(q, kind, serverId, projectId, status, label, from, to, sort, cursor, limit, facets);
        String caller = Caller.optional(user);
        return search.search(request).call(page -> q == null || q.isBlank() ? Uni.createFrom().voidItem()
                : history.record(caller, q.trim()));
    }

    /** Validates a search's parameters; every bad value is a 400 naming it. */
    public SearchRequest request(String q, List<String> kind, String serverId, String projectId, List<String> status,
                                 List<String> label, String from, String to, String sort, String cursor, Integer limit,
                                 String facets) {
        QueryParser.Parsed parsed = QueryParser.parse(q, config.query().maxLength(), config.query().maxTerms());
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String value : split(kind)) {
            kinds.add(Kind.parse(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> ProblemException.invalid("kind",
                    "unknown kind '" + clip(value) + "' (kinds: " + Kind.names() + ")")));
        }
        Set<String> facetSet = new LinkedHashSet<>();
        if (facets == null || facets.isBlank()) {
            facetSet.addAll(SearchRequest.FACETS);
        } else if (!facets.trim().equals("none")) {
            for (String f : split(List.of(facets))) {
                if (!SearchRequest.FACETS.contains(f)) {
                    throw ProblemException.invalid("facets", "unknown facet '" + clip(f) + "' (facets: "
                            + String.join(", ", SearchRequest.FACETS.stream().sorted().toList()) + ", or none)");
                }
                facetSet.add(f);
            }
        }
        List<String> statuses = split(status);
        statuses.forEach(s -> bounded("status", s, 50));
        List<String> labels = label == null ? List.of() : label.stream().filter(l -> l != null && !l.isBlank()).toList();
        labels.forEach(l -> bounded("label", l, 200));
        SearchRequest.Sort order;
        if (sort == null || sort.isBlank()) {
            order = SearchRequest.Sort.RELEVANCE;
        } else {
            order = java.util.Arrays.stream(SearchRequest.Sort.values()).filter(s -> s.wire().equals(sort)).findFirst()
                    .orElseThrow(() -> ProblemException.invalid("sort", "must be relevance, newest, oldest or name"));
        }
        OffsetDateTime fromTime = time("from", from);
        OffsetDateTime toTime = time("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw ProblemException.invalid("to", "must be after from");
        }
        return new SearchRequest(parsed, kinds, Ids.parseParameter("serverId", serverId),
                Ids.parseParameter("projectId", projectId), statuses, labels, fromTime, toTime, order,
                Cursor.decode(cursor), Cursor.limit(limit), facetSet);
    }

    @GET
    @Path("/suggest")
    @Operation(summary = "Type-ahead: up to 10 names", description = "Names that start with q first, then names "
            + "that look like it (typos: ruoter finds router), from the index's trigrams.")
    public Uni<SuggestView> suggest(@QueryParam("q") String q, @QueryParam("kind") List<String> kind) {
        if (q == null || q.isBlank()) {
            throw ProblemException.invalid("q", "required");
        }
        if (q.length() > 100) {
            throw ProblemException.invalid("q", "at most 100 characters");
        }
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String value : split(kind)) {
            kinds.add(Kind.parse(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> ProblemException.invalid("kind",
                    "unknown kind '" + clip(value) + "' (kinds: " + Kind.names() + ")")));
        }
        return suggest.suggest(q.trim(), kinds).map(SuggestView::new);
    }

    @GET
    @Path("/history")
    @Operation(summary = "The caller's last 50 queries and the most frequent of the last 7 days", description =
            "Most frequent: fleet-wide for an admin, the caller's own for everyone else (other users' queries may "
            + "name labs the caller may not see).")
    public Uni<HistoryView> history(@HeaderParam(Caller.HEADER) String user) {
        io.quarkus.security.identity.SecurityIdentity identity = dev.labfleet.support.security.Caller.current();
        boolean fleetWide = identity == null ? !dev.labfleet.support.security.SecuritySwitch.enabled()
                : dev.labfleet.support.security.LabAccess.seesAll(identity);
        return history.history(Caller.optional(user), fleetWide);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/reindex")
    @Operation(summary = "Rebuild the index from the services' APIs", description = "Reads every server, template, "
            + "lab, node, link and snapshot from their owning services, writes them and deletes what those no longer "
            + "have. Answers 202 with the run; GET /reindex shows its progress.")
    public Uni<Response> reindex() {
        return reindex.start().map(run -> Response.accepted(run).build());
    }

    @GET
    @Path("/reindex")
    @Operation(summary = "The last (or running) reindex")
    public ReindexService.Run lastReindex() {
        return reindex.last();
    }

    static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null) {
                    for (String part : v.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void bounded(String field, String value, int max) {
        if (value.length() > max) {
            throw ProblemException.invalid(field, "at most " + max + " characters");
        }
    }

    private static OffsetDateTime time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "not an ISO-8601 time with offset, e.g. 2026-12-05T03:00:00Z");
        }
    }

    static String clip(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    /** Suggestions, best first. */
    public record SuggestView(List<SuggestService.Suggestion> suggestions) {
    }

    /** A user's recent queries (newest first) and the fleet's most frequent ones of the last 7 days. */
    public record HistoryView(String user, List<HistoryService.Entry> recent, List<HistoryService.Popular> popular) {
    }
}
