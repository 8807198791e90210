package dev.labfleet.support.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Who a lab belongs to, for services other than project-service (which owns that data): its owner and its tags
 * (a tag {@code group:<name>} gives it to a group), read from project-service as the suite's service account and
 * kept for {@code labfleet.security.lab-cache-ttl} (10 s) in this replica's memory. Nothing is stored anywhere else,
 * so replicas stay stateless; a change of owner or groups reaches every replica within the TTL. Only answers are
 * cached (a lab, or no such lab); a failure to ask is not, and makes the request a 502/503/504 problem rather than
 * letting it through.
 */
@ApplicationScoped
public class LabDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ENTRIES = 50_000;

    /** A lab as far as access goes; {@code exists} false when project-service knows no such lab. */
    public record Lab(String projectId, boolean exists, String owner, List<String> tags) {
    }

    private record Entry(Uni<Lab> lab, long expiresAtNanos) {
    }

    private final Vertx vertx;
    private final ServiceAccount serviceAccount;
    private final String baseUrl;
    private final Duration ttl;
    private final Duration timeout;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private volatile HttpClient client;

    public LabDirectory(Vertx vertx, ServiceAccount serviceAccount) {
        this.vertx = vertx;
        this.serviceAccount = serviceAccount;
        Config config = ConfigProvider.getConfig();
        String url = config.getOptionalValue("labfleet.security.projects-url", String.class)
                .orElse("http://127.0.0.1:8082");
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.ttl = config.getOptionalValue("labfleet.security.lab-cache-ttl", Duration.class).orElse(Duration.ofSeconds(10));
        this.timeout = config.getOptionalValue("labfleet.security.lab-lookup-timeout", Duration.class)
                .orElse(Duration.ofSeconds(5));
    }

    /** The lab {@code projectId} (a UUID), from the cache when it is fresh. */
    public Uni<Lab> lab(String projectId) {
        long now = System.nanoTime();
        Entry entry = cache.get(projectId);
        if (entry != null && entry.expiresAtNanos() - now > 0) {
            return entry.lab();
        }
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        Uni<Lab> loading = fetch(projectId).memoize().indefinitely();
        Entry fresh = new Entry(loading, now + ttl.toNanos());
        cache.put(projectId, fresh);
        // a failed lookup is not remembered: the next request asks again
        return loading.onFailure().invoke(() -> cache.remove(projectId, fresh));
    }

    /**
     * Fails with the problem {@link LabScopeFilter} would answer (403, or 404 for a lab project-service does not
     * know) unless {@code caller} may see lab {@code projectId}, and change it when {@code change}: for routes that
     * name a lab outside their path (a body's {@code projectId}, an execution's lab). Admins, the suite's service
     * account, security off and the suite's own work (no caller) pass without a lookup.
     */
    public Uni<Void> require(SecurityIdentity caller, Object projectId, boolean change) {
        if (projectId == null || LabAccess.seesAll(caller)) {
            return Uni.createFrom().voidItem();
        }
        String id = projectId.toString().toLowerCase(Locale.ROOT);
        return lab(id).invoke(lab -> LabScopeFilter.decide(caller, lab, change)).replaceWithVoid();
    }

    /**
     * The labs among {@code projectIds} that {@code caller} may see (for lists spanning labs): each asked once,
     * from the cache when fresh, a few at a time; a lab project-service does not know any more is seen by nobody
     * but admins. Everything for admins, the service account and security off.
     */
    public Uni<Set<String>> visible(SecurityIdentity caller, Collection<?> projectIds) {
        Set<String> ids = new LinkedHashSet<>();
        for (Object id : projectIds) {
            if (id != null) {
                ids.add(id.toString().toLowerCase(Locale.ROOT));
            }
        }
        if (LabAccess.seesAll(caller) || ids.isEmpty()) {
            return Uni.createFrom().item(ids);
        }
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUni(id -> lab(id).map(lab -> lab.exists()
                        && LabAccess.canSee(caller, lab.owner(), lab.tags()) ? id : ""))
                .merge(8)
                .filter(id -> !id.isEmpty())
                .collect().asSet();
    }

    /** Whether {@code projectId} is among {@code visible} (ids compared as {@link #visible} spells them). */
    public static boolean among(Set<String> visible, Object projectId) {
        return projectId != null && visible.contains(projectId.toString().toLowerCase(Locale.ROOT));
    }

    /** Forgets {@code projectId} (its owner or tags changed). */
    public void forget(String projectId) {
        cache.remove(projectId);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis())
                            .setMaxPoolSize(16));
                }
                c = client;
            }
        }
        return c;
    }

    private Uni<Lab> fetch(String projectId) {
        Uni<String> authorization = serviceAccount.enabled()
                ? serviceAccount.token().map(token -> "Bearer " + token)
                : Uni.createFrom().nullItem();
        return authorization
                .onFailure().transform(e -> upstream(ProblemTypes.UPSTREAM_UNAVAILABLE,
                        "the suite's service account got no token to look the lab up"))
                .chain(header -> {
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                            .setAbsoluteURI(baseUrl + "/api/v1/projects/" + projectId + "?counts=false")
                            .setTimeout(timeout.toMillis())
                            .putHeader("Accept", "application/json");
                    if (header != null) {
                        options.putHeader("Authorization", header);
                    }
                    return Uni.createFrom().<Lab>emitter(emitter -> client().request(options)
                            .compose(request -> request.send().compose(response -> response.body()
                                    .map(body -> read(projectId, response.statusCode(), body))))
                            .onComplete(result -> {
                                if (result.succeeded()) {
                                    emitter.complete(result.result());
                                } else {
                                    emitter.fail(result.cause());
                                }
                            }));
                })
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> e instanceof TimeoutException
                        || String.valueOf(e.getMessage()).contains("timeout")
                        ? upstream(ProblemTypes.UPSTREAM_TIMEOUT, "project-service did not say in time who owns the lab")
                        : upstream(ProblemTypes.UPSTREAM_UNAVAILABLE, "project-service could not be asked who owns the lab"));
    }

    private static Lab read(String projectId, int status, Buffer body) {
        if (status == 404) {
            return new Lab(projectId, false, null, List.of());
        }
        if (status != 200) {
            throw upstream(status == 503 ? ProblemTypes.UPSTREAM_UNAVAILABLE : ProblemTypes.UPSTREAM_ERROR,
                    "project-service answered " + status + " when asked who owns the lab");
        }
        try {
            JsonNode lab = JSON.readTree(body.getBytes());
            List<String> tags = new ArrayList<>();
            lab.path("tags").forEach(t -> tags.add(t.asText()));
            String owner = lab.hasNonNull("owner") ? lab.get("owner").asText() : null;
            return new Lab(projectId, true, owner, List.copyOf(tags));
        } catch (java.io.IOException e) {
            throw upstream(ProblemTypes.UPSTREAM_ERROR, "project-service's answer about the lab is not JSON");
        }
    }

    private static ProblemException upstream(ProblemTypes.Kind kind, String detail) {
        return new ProblemException(Problem.of(kind, detail));
    }
}
