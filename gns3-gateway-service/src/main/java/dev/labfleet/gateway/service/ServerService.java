package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.id.Ids;
import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.domain.Gns3Server;
import dev.labfleet.gateway.domain.ServerStatus;
import dev.labfleet.gateway.repository.Gns3ServerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The GNS3 server registry: CRUD, connection tests, and the startup registration of configured URLs. */
@ApplicationScoped
public class ServerService {

    private static final Logger LOG = Logger.getLogger(ServerService.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Gns3ServerRepository repository;
    private final CredentialCipher cipher;
    private final ServerDirectory directory;
    private final Gns3Client client;

    public ServerService(Gns3ServerRepository repository, CredentialCipher cipher, ServerDirectory directory,
                         Gns3Client client) {
        this.repository = repository;
        this.cipher = cipher;
        this.directory = directory;
        this.client = client;
    }

    @WithTransaction
    public Uni<RegisteredServer> create(ServerSettings request) {
        String url = url("url", request.url());
        Gns3Server server = new Gns3Server();
        server.id = Ids.random();
        server.name = request.name().strip();
        server.url = url;
        server.username = blankToNull(request.username());
        server.passwordCiphertext = cipher.encrypt(server.id, blankToNull(request.password()));
        server.verifyTls = request.verifyTls() == null || request.verifyTls();
        applyTimeouts(server, request.timeouts());
        server.maxConcurrent = request.maxConcurrent();
        server.capacityWeight = request.capacityWeight() == null ? 1.0 : request.capacityWeight();
        server.labels = request.labels() == null ? new HashMap<>() : new HashMap<>(request.labels());
        server.enabled = request.enabled() == null || request.enabled();
        server.createdAt = now();
        server.updatedAt = server.createdAt;
        return unique(server.name, server.url, null)
                .chain(() -> repository.persistAndFlush(server))
                .onFailure(ServerService::uniqueViolation).transform(e -> duplicate(server.name, server.url))
                .map(this::view);
    }

    @WithSession
    public Uni<CursorPage<RegisteredServer>> list(String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        String after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        return repository.pageByName(after, size + 1)
                .map(rows -> CursorPage.of(rows, size, s -> s.name).map(this::view));
    }

    @WithSession
    public Uni<RegisteredServer> get(UUID id) {
        return find(id).map(this::view);
    }

    @WithTransaction
    public Uni<RegisteredServer> update(UUID id, ServerSettings request) {
        return find(id).chain(server -> {
            String name = request.name() == null ? server.name : request.name().strip();
            String url = request.url() == null ? server.url : url("url", request.url());
            return unique(name, url, id).chain(() -> {
                server.name = name;
                server.url = url;
                if (request.username() != null) {
                    server.username = blankToNull(request.username());
                }
                if (request.password() != null) {
                    server.passwordCiphertext = cipher.encrypt(server.id, blankToNull(request.password()));
                }
                if (request.verifyTls() != null) {
                    server.verifyTls = request.verifyTls();
                }
                if (request.timeouts() != null) {
                    applyTimeouts(server, request.timeouts());
                }
                if (request.maxConcurrent() != null) {
                    server.maxConcurrent = request.maxConcurrent();
                }
                if (request.capacityWeight() != null) {
                    server.capacityWeight = request.capacityWeight();
                }
                if (request.labels() != null) {
                    server.labels = new HashMap<>(request.labels());
                }
                if (request.enabled() != null) {
                    server.enabled = request.enabled();
                }
                server.updatedAt = now();
                return repository.flush().replaceWith(server);
            });
        }).onFailure(ServerService::uniqueViolation).transform(e -> duplicate(request.name(), request.url()))
                .invoke(() -> directory.invalidate(id))
                .map(this::view);
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return find(id).chain(server -> repository.delete(server))
                .invoke(() -> {
                    directory.invalidate(id);
                    client.forget(id);
                });
    }

    /** Checks reachability, version and computes now, through the server's breaker, and records what it found. */
    public Uni<ConnectionTest> test(UUID id) {
        return Panache.withSession(() -> find(id)).map(directory::toEndpoint).chain(endpoint -> {
            long start = System.nanoTime();
            return client.send(endpoint, Gns3Request.get("/version", "version"))
                    .chain(version -> {
                        long latency = (System.nanoTime() - start) / 1_000_000;
                        JsonNode json = json(version.body().getBytes());
                        String gns3Version = json.path("version").asText(null);
                        return client.send(endpoint, Gns3Request.get("/computes", "computes.list"))
                                .map(computes -> computes(computes.body().getBytes()))
                                .chain(computes -> recordSeen(id, gns3Version, latency).replaceWith(
                                        new ConnectionTest(id, true, gns3Version, "v2", latency, computes, null)));
                    })
                    .onFailure(ProblemException.class).recoverWithItem(e -> new ConnectionTest(id, false, null, null,
                            null, MAPPER.createArrayNode(), ((ProblemException) e).problem().detail()));
        });
    }

    /** Registers every URL not registered yet (by URL); safe to run on several replicas at once. */
    public Uni<Integer> registerAll(List<String> urls) {
        int[] added = {0};
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String raw : urls) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            String url;
            try {
                url = ServerUrls.normalize(raw);
            } catch (IllegalArgumentException e) {
                LOG.warnf("LABFLEET_GNS3_URL entry '%s' ignored: %s", raw, e.getMessage());
                continue;
            }
            chain = chain.chain(() -> Panache.withTransaction(() -> repository.findByUrl(url).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().voidItem();
                }
                return freeName(ServerUrls.defaultName(url), 0).chain(name -> create(new ServerSettings(name, url,
                        null, null, null, null, null, null, Map.of(), true))
                        .invoke(view -> {
                            added[0]++;
                            LOG.infof("registered GNS3 server %s at %s (from LABFLEET_GNS3_URL)", view.name(), url);
                        }).replaceWithVoid());
            })).onFailure(ServerService::uniqueViolation).recoverWithNull()
                    .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 409).recoverWithNull());
        }
        return chain.map(v -> added[0]);
    }

    /** Re-encrypts passwords made with an old key (after a key rotation). */
    public Uni<Integer> reencryptStale() {
        return Panache.withTransaction(() -> repository.list("passwordCiphertext is not null").map(servers -> {
            int n = 0;
            for (Gns3Server server : servers) {
                if (cipher.isStale(server.passwordCiphertext)) {
                    try {
                        server.passwordCiphertext = cipher.encrypt(server.id, cipher.decrypt(server.id,
                                server.passwordCiphertext));
                        n++;
                    } catch (CredentialCipher.CredentialException e) {
                        LOG.warnf("GNS3 server %s: %s", server.name, e.getMessage());
                    }
                }
            }
            return n;
        }));
    }

    public RegisteredServer view(Gns3Server s) {
        ServerSettings.Timeouts timeouts = s.readTimeoutMs == null && s.writeTimeoutMs == null
                && s.lifecycleTimeoutMs == null && s.transferTimeoutMs == null ? null
                : new ServerSettings.Timeouts(s.readTimeoutMs, s.writeTimeoutMs, s.lifecycleTimeoutMs, s.transferTimeoutMs);
        return new RegisteredServer(s.id, s.name, s.url, s.apiVersion, s.gns3Version, s.username,
                s.passwordCiphertext != null, s.verifyTls, timeouts, s.maxConcurrent, s.capacityWeight,
                s.labels == null ? Map.of() : Map.copyOf(s.labels), s.enabled, s.status.name(),
                client.breakerState(s.id).name(), s.lastSeen, s.consecutiveFailures, s.latencyMs, s.createdAt,
                s.updatedAt, s.draining, s.drainingSince);
    }

    public Uni<Gns3Server> find(UUID id) {
        return repository.findById(id).onItem().ifNull().failWith(() ->
                ProblemException.notFound("no GNS3 server " + id + " is registered"));
    }

    private Uni<Void> recordSeen(UUID id, String gns3Version, long latency) {
        return Panache.withTransaction(() -> repository.findById(id).invoke(server -> {
            if (server != null) {
                server.apiVersion = "v2";
                server.gns3Version = gns3Version;
                server.lastSeen = now();
                server.latencyMs = latency;
                if (server.status == ServerStatus.UNKNOWN) {
                    server.status = ServerStatus.UP;
                }
            }
        })).replaceWithVoid();
    }

    private Uni<Void> unique(String name, String url, UUID self) {
        return repository.findByName(name).chain(byName -> {
            if (byName != null && !byName.id.equals(self)) {
                return Uni.createFrom().failure(conflict("name", "a GNS3 server named '" + name + "' is already registered"));
            }
            return repository.findByUrl(url).map(byUrl -> {
                if (byUrl != null && !byUrl.id.equals(self)) {
                    throw conflict("url", "GNS3 server " + byUrl.name + " is already registered at " + url);
                }
                return null;
            });
        });
    }

    private Uni<String> freeName(String base, int attempt) {
        String name = attempt == 0 ? base : base + "-" + (attempt + 1);
        return repository.findByName(name).chain(s -> s == null ? Uni.createFrom().item(name) : freeName(base, attempt + 1));
    }

    private static ProblemException conflict(String field, String detail) {
        return new ProblemException(Problem.of(ProblemTypes.CONFLICT, detail).with("field", field));
    }

    private static ProblemException duplicate(String name, String url) {
        return new ProblemException(Problem.of(ProblemTypes.CONFLICT,
                "a GNS3 server with this name or URL is already registered (" + name + ", " + url + ")"));
    }

    /** A unique-constraint violation from PostgreSQL (two registrations raced past the check). */
    static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof org.hibernate.exception.ConstraintViolationException || message.contains("23505")
                    || message.contains("duplicate key")) {
                return true;
            }
        }
        return false;
    }

    private static String url(String field, String raw) {
        try {
            return ServerUrls.normalize(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, e.getMessage());
        }
    }

    private static void applyTimeouts(Gns3Server server, ServerSettings.Timeouts timeouts) {
        if (timeouts == null) {
            return;
        }
        server.readTimeoutMs = timeouts.readMs();
        server.writeTimeoutMs = timeouts.writeMs();
        server.lifecycleTimeoutMs = timeouts.lifecycleMs();
        server.transferTimeoutMs = timeouts.transferMs();
    }

    /** GNS3's computes as it wrote them; an empty array when the answer is not a JSON array. */
    private static JsonNode computes(byte[] body) {
        JsonNode computes = json(body);
        return computes.isArray() ? computes : MAPPER.createArrayNode();
    }

    private static JsonNode json(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
