package dev.labfleet.search.graphql;

import dev.labfleet.search.index.Kind;
import dev.labfleet.search.query.SearchRequest;
import dev.labfleet.search.rest.SearchHit;
import dev.labfleet.search.rest.SearchPage;
import dev.labfleet.search.rest.SearchResource;
import dev.labfleet.search.service.SearchService;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The read-only GraphQL view of the index ({@code /graphql}, schema at {@code /graphql/schema.graphql}): the same
 * search, filters, sorts and cursor pages as {@code GET /api/v1/search} (arguments are validated by the same code,
 * so a bad one fails the field with the same message), plus typed lists of servers, labs, nodes, links, anomalies and
 * executions, and the relations between them (a lab's nodes, a node's lab). Depth and complexity are bounded by
 * {@link GraphqlGate} before anything runs.
 */
@GraphQLApi
@Description("Labfleet's fleet-wide index, read-only")
@jakarta.annotation.security.RolesAllowed(dev.labfleet.common.security.Roles.VIEWER)
public class FleetGraphQL {

    private final SearchService search;
    private final SearchResource parser;

    public FleetGraphQL(SearchService search, SearchResource parser) {
        this.search = search;
        this.parser = parser;
    }

    // ---------------------------------------------------------------- search

    @Query("search")
    @Description("Searches the fleet. q: words are prefixes (leaf finds leaf3), \"quoted words\" a phrase, -word "
            + "excludes, field:value filters (kind, status, type, template, label, server, project, name). Without "
            + "kinds every kind but event is searched. facets: which to count (kind, server, status, type, template, "
            + "label); none unless asked for.")
    public Uni<@NonNull SearchResult> search(String q, List<String> kinds, @Id String serverId, @Id String projectId,
                                             List<String> status, List<String> labels,
                                             @Description("ISO-8601, inclusive") String from,
                                             @Description("ISO-8601, exclusive") String to,
                                             @Description("relevance (default with words), newest (default without), "
                                                     + "oldest, name") String sort,
                                             @Description("the previous page's nextCursor") String after,
                                             @Description("page size, 1..500") @DefaultValue("50") Integer first,
                                             List<String> facets) {
        String facetList = facets == null || facets.isEmpty() ? "none" : String.join(",", facets);
        SearchRequest request = parser.request(q, kinds, serverId, projectId, status, labels, from, to, sort, after,
                first, facetList);
        return search.search(request).map(page -> new SearchResult(page.items().stream().map(Hit::of).toList(),
                page.nextCursor(), page.total(), facets(page), page.totalExact(), page.facetsTruncated()));
    }

    private static List<Facet> facets(SearchPage page) {
        List<Facet> out = new ArrayList<>();
        if (page.facets() != null) {
            for (Map.Entry<String, Map<String, Long>> f : page.facets().entrySet()) {
                out.add(new Facet(f.getKey(), f.getValue().entrySet().stream()
                        .map(v -> new Facet.FacetValue(v.getKey(), v.getValue())).toList()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- typed lists

    @Query("servers")
    @Description("The fleet's GNS3 servers, by name unless q ranks them")
    public Uni<@NonNull ServerPage> servers(String q, List<String> status, List<String> labels, String sort,
                                            String after, @DefaultValue("50") Integer first) {
        return list(Kind.SERVER, q, null, null, status, labels, sort(sort, q), after, first, Server::of)
                .map(p -> new ServerPage(p.items(), p.next()));
    }

    @Query("labs")
    @Description("Labs, by name unless q ranks them")
    public Uni<@NonNull LabPage> labs(String q, @Id String serverId, List<String> status, List<String> labels,
                                      String sort, String after, @DefaultValue("50") Integer first) {
        return list(Kind.LAB, q, serverId, null, status, labels, sort(sort, q), after, first, Lab::of)
                .map(p -> new LabPage(p.items(), p.next()));
    }

    @Query("nodes")
    @Description("Nodes of every lab (or of one: projectId), by name unless q ranks them")
    public Uni<@NonNull NodePage> nodes(String q, @Id String projectId, @Id String serverId, List<String> status,
                                        List<String> labels, String sort, String after,
                                        @DefaultValue("50") Integer first) {
        return list(Kind.NODE, q, serverId, projectId, status, labels, sort(sort, q), after, first, Node::of)
                .map(p -> new NodePage(p.items(), p.next()));
    }

    @Query("links")
    @Description("Links of every lab (or of one: projectId)")
    public Uni<@NonNull LinkPage> links(String q, @Id String projectId, @Id String serverId, List<String> status,
                                        String sort, String after, @DefaultValue("50") Integer first) {
        return list(Kind.LINK, q, serverId, projectId, status, null, sort(sort, q), after, first, Link::of)
                .map(p -> new LinkPage(p.items(), p.next()));
    }

    @Query("anomalies")
    @Description("Anomalies, newest first unless sorted otherwise; status: open, acknowledged, resolved; labels: "
            + "severity=critical...")
    public Uni<@NonNull AnomalyPage> anomalies(String q, @Id String projectId, @Id String serverId,
                                               List<String> status, List<String> labels, String sort, String after,
                                               @DefaultValue("50") Integer first) {
        return list(Kind.ANOMALY, q, serverId, projectId, status, labels, sort == null ? null : sort, after, first,
                Anomaly::of).map(p -> new AnomalyPage(p.items(), p.next()));
    }

    @Query("executions")
    @Description("Script and workflow executions, newest first unless sorted otherwise")
    public Uni<@NonNull ExecutionPage> executions(String q, @Id String projectId, List<String> status, String sort,
                                                  String after, @DefaultValue("50") Integer first) {
        return list(Kind.EXECUTION, q, null, projectId, status, null, sort, after, first, Execution::of)
                .map(p -> new ExecutionPage(p.items(), p.next()));
    }

    @Query("server")
    @Description("One server by id, or null")
    public Uni<Server> server(@NonNull @Id String serverId) {
        return one(Kind.SERVER, serverId, null, Server::of);
    }

    @Query("lab")
    @Description("One lab by id, or null")
    public Uni<Lab> lab(@NonNull @Id String projectId) {
        return one(Kind.LAB, null, projectId, Lab::of);
    }

    // ---------------------------------------------------------------- relations

    @Name("labs")
    @Description("The server's labs")
    public Uni<@NonNull LabPage> serverLabs(@Source Server server, List<String> status, String after,
                                            @DefaultValue("50") Integer first) {
        return list(Kind.LAB, null, server.id(), null, status, null, "name", after, first, Lab::of)
                .map(p -> new LabPage(p.items(), p.next()));
    }

    @Name("server")
    @Description("The server the lab runs on")
    public Uni<Server> labServer(@Source Lab lab) {
        return lab.serverId() == null ? Uni.createFrom().nullItem()
                : one(Kind.SERVER, lab.serverId().toString(), null, Server::of);
    }

    @Name("nodes")
    @Description("The lab's nodes")
    public Uni<@NonNull NodePage> labNodes(@Source Lab lab, String q, List<String> status, List<String> labels,
                                           String after, @DefaultValue("50") Integer first) {
        return list(Kind.NODE, q, null, lab.id(), status, labels, sort(null, q), after, first, Node::of)
                .map(p -> new NodePage(p.items(), p.next()));
    }

    @Name("links")
    @Description("The lab's links")
    public Uni<@NonNull LinkPage> labLinks(@Source Lab lab, String after, @DefaultValue("50") Integer first) {
        return list(Kind.LINK, null, null, lab.id(), null, null, "name", after, first, Link::of)
                .map(p -> new LinkPage(p.items(), p.next()));
    }

    @Name("anomalies")
    @Description("The lab's anomalies, newest first")
    public Uni<@NonNull AnomalyPage> labAnomalies(@Source Lab lab, List<String> status, String after,
                                                  @DefaultValue("50") Integer first) {
        return list(Kind.ANOMALY, null, null, lab.id(), status, null, null, after, first, Anomaly::of)
                .map(p -> new AnomalyPage(p.items(), p.next()));
    }

    @Name("lab")
    @Description("The node's lab")
    public Uni<Lab> nodeLab(@Source Node node) {
        return labOf(node.projectId());
    }

    @Name("lab")
    @Description("The link's lab")
    public Uni<Lab> linkLab(@Source Link link) {
        return labOf(link.projectId());
    }

    @Name("lab")
    @Description("The lab the anomaly is about, if any")
    public Uni<Lab> anomalyLab(@Source Anomaly anomaly) {
        return labOf(anomaly.projectId());
    }

    private Uni<Lab> labOf(java.util.UUID projectId) {
        return projectId == null ? Uni.createFrom().nullItem() : one(Kind.LAB, null, projectId.toString(), Lab::of);
    }

    // ---------------------------------------------------------------- plumbing

    /** A typed page. */
    record Typed<T>(List<T> items, String next) {
    }

    /** Entity lists read by name unless words rank them. */
    private static String sort(String sort, String q) {
        if (sort != null) {
            return sort;
        }
        return q == null || q.isBlank() ? "name" : null;
    }

    private <T> Uni<Typed<T>> list(Kind kind, String q, String serverId, String projectId, List<String> status,
                                   List<String> labels, String sort, String after, Integer first,
                                   Function<SearchHit, T> map) {
        SearchRequest request = parser.request(q, List.of(kind.wire()), serverId, projectId, status, labels, null,
                null, sort, after, first, "none");
        return search.search(request).map(page -> new Typed<>(page.items().stream().map(map).toList(),
                page.nextCursor()));
    }

    private <T> Uni<T> one(Kind kind, String serverId, String projectId, Function<SearchHit, T> map) {
        SearchRequest request = parser.request(null, List.of(kind.wire()), serverId, projectId, null, null, null,
                null, null, null, 1, "none");
        return search.search(request).map(page -> page.items().isEmpty() ? null : map.apply(page.items().get(0)));
    }
}
