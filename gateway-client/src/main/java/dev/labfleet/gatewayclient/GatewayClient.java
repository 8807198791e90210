package dev.labfleet.gatewayclient;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.gns3.BatchRequest;
import dev.labfleet.common.gns3.DrainServerRequest;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.PlacementView;
import dev.labfleet.common.gns3.ServerDrainView;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.support.http.TransportRetry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The one client of the gns3-gateway-service's internal API, shared by the services (project-service,
 * topology-service). Every route is a method here: the gateway's own resources (servers, placement, drain) as
 * common-api's records; GNS3's bodies under {@code /api/v1/servers/{serverId}/...} as the JSON GNS3 answered (the
 * gateway passes them through unchanged, and callers copy them whole, e.g. a move's nodes and links); archives and
 * captures as streams that are never held in memory.
 *
 * <p>Every call has the timeout of its class of operation ({@link GatewaySettings}); the HTTP request's own idle
 * timeout sits {@link GatewaySettings#TRANSPORT_MARGIN} above it, so a slow GNS3 (a QEMU start, a big lab's open)
 * is never cut by the transport first. Failures go through {@link GatewayProblems}: the gateway's problems keep
 * their status and detail, no answer in time is a 504, an unreachable gateway a 503. Retries are the gateway's
 * business (it knows which GNS3 calls are idempotent), with one exception on this hop: a call that can be replayed
 * and got no answer at all (a pooled connection the edge closed as it reloaded) is sent again ({@link TransportRetry}):
 * reads and updates; what asks for a state (a node start, stop or suspend, a project open or close); a project
 * delete (its callers count a replay's 404 as gone); a project create that names its id (its caller adopts it); a
 * batch whose every call can be replayed ({@link #replaySafe}). Other writes and reloads are sent once.
 *
 * <p>One keep-alive Vert.x HTTP client over http or https, with the URL's base path in front of every route.
 * A plain class, not a bean: each service builds it from its own configuration.
 */
public class GatewayClient {

    /** JSON answers, problem+json failures, and the streams (an export, a pcap) that are neither. */
    private static final String ACCEPT = "application/json, application/problem+json;q=0.9, */*;q=0.1";

    private final HttpClient http;
    private final GatewaySettings settings;
    private final ObjectMapper mapper;
    private final Supplier<Uni<String>> authorization;
    private final JavaType serverPage;

    /**
     * @param authorization the {@code Authorization} header a call made now carries, or a null item for none (the
     *                      services pass {@code ServiceAuth::authorization}: the caller's token, else the service
     *                      account's)
     * @param mapper        for request and answer bodies (the service's own, with Java time support)
     */
    public GatewayClient(Vertx vertx, GatewaySettings settings, ObjectMapper mapper,
                         Supplier<Uni<String>> authorization) {
        this(vertx, settings, mapper, authorization, new HttpClientOptions());
    }

    /**
     * @param transport the HTTP client's options to start from (trust for a gateway behind a private CA...); the
     *                  connection settings of {@code settings} are applied on top
     */
    public GatewayClient(Vertx vertx, GatewaySettings settings, ObjectMapper mapper,
                         Supplier<Uni<String>> authorization, HttpClientOptions transport) {
        this.settings = settings;
        this.mapper = mapper == null ? CloudEventCodec.mapper() : mapper;
        this.authorization = authorization == null ? () -> Uni.createFrom().nullItem() : authorization;
        this.serverPage = this.mapper.getTypeFactory().constructParametricType(CursorPage.class, ServerView.class);
        // No connection idle timeout: Vert.x closes a connection that is idle while a request waits on it, which cut
        // every node start or batch that GNS3 took over a minute to answer. Each request has its own idle timeout.
        this.http = vertx.createHttpClient(new HttpClientOptions(transport)
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(settings.maxPoolSize())
                .setSsl(settings.tls()));
    }

    public GatewaySettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- the gateway's own resources

    /** One page of the registered servers ({@code GET /api/v1/servers}). */
    public Uni<CursorPage<ServerView>> serverPage(String cursor, int limit) {
        String uri = "/api/v1/servers?limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor));
        return exchange(HttpMethod.GET, uri, null, "list servers", settings.readTimeout(), true,
                answer -> read(answer, serverPage, "list servers"));
    }

    /** Every registered server: all pages of {@code GET /api/v1/servers}, {@link GatewaySettings#pageSize} a page. */
    public Uni<List<ServerView>> servers() {
        return Pages.all("list servers", cursor -> serverPage(cursor, settings.pageSize()));
    }

    /** A registered server (a 404 problem when it is unknown). */
    public Uni<ServerView> server(UUID serverId) {
        return exchange(HttpMethod.GET, "/api/v1/servers/" + serverId, null, "read server",
                settings.readTimeout(), true,
                answer -> read(answer, mapper.constructType(ServerView.class), "read server"));
    }

    /** Marks a server draining (placement skips it); a server already draining keeps its first reason. */
    public Uni<ServerDrainView> drain(UUID serverId, String reason) {
        return exchange(HttpMethod.POST, "/api/v1/servers/" + serverId + "/drain", new DrainServerRequest(reason),
                "drain server", settings.writeTimeout(), true, // draining a draining server changes nothing
                answer -> read(answer, mapper.constructType(ServerDrainView.class), "drain server"));
    }

    /** The server a lab with these needs should go to ({@code POST /api/v1/placements}); 503 when none can. */
    public Uni<PlacementView> place(PlacementRequest needs) {
        // a placement is a question (no lab is created by it): asking again is harmless
        return exchange(HttpMethod.POST, "/api/v1/placements", needs, "placement", settings.readTimeout(), true,
                answer -> read(answer, mapper.constructType(PlacementView.class), "placement"));
    }

    // ---------------------------------------------------------------- GNS3 through the gateway: projects

    public Uni<JsonNode> listProjects(UUID serverId) {
        return get(serverId, "/projects", "list projects");
    }

    /**
     * Creates a GNS3 project. A create that names its {@code project_id} and got no answer at all is sent again: a
     * replay of one that was made meets GNS3's 409 "Project ID ... already exists", and the caller adopts the
     * project with its id (project-service does). One without an id is sent once.
     */
    public Uni<JsonNode> createProject(UUID serverId, Object body) {
        boolean named = body != null && mapper.valueToTree(body).hasNonNull("project_id");
        return exchange(HttpMethod.POST, serverPath(serverId, "/projects"), body, "create project",
                settings.writeTimeout(), named, this::json);
    }

    public Uni<JsonNode> getProject(UUID serverId, UUID projectId) {
        return get(serverId, project(projectId), "read project");
    }

    public Uni<JsonNode> updateProject(UUID serverId, UUID projectId, Object body) {
        return put(serverId, project(projectId), body, "update project");
    }

    /** Sent again when it got no answer at all: a replay of one that was done meets a 404 (callers count it gone). */
    public Uni<Void> deleteProject(UUID serverId, UUID projectId) {
        return stateCall(HttpMethod.DELETE, serverId, project(projectId), "delete project").replaceWithVoid();
    }

    /** Asks for a state (GNS3 answers an opened project's open as a first one): sent again when never answered. */
    public Uni<JsonNode> openProject(UUID serverId, UUID projectId) {
        return stateCall(HttpMethod.POST, serverId, project(projectId) + "/open", "open project");
    }

    /** Asks for a state, as an open does: sent again when never answered. */
    public Uni<Void> closeProject(UUID serverId, UUID projectId) {
        return stateCall(HttpMethod.POST, serverId, project(projectId) + "/close", "close project").replaceWithVoid();
    }

    /** A lifecycle call without a body that may be replayed: sent again when it got no answer at all. */
    private Uni<JsonNode> stateCall(HttpMethod method, UUID serverId, String path, String what) {
        return exchange(method, serverPath(serverId, path), null, what, settings.lifecycleTimeout(), true, this::json);
    }

    public Uni<JsonNode> duplicateProject(UUID serverId, UUID projectId, Object body) {
        return lifecycle(HttpMethod.POST, serverId, project(projectId) + "/duplicate", body, "duplicate project");
    }

    public Uni<JsonNode> projectStats(UUID serverId, UUID projectId) {
        return get(serverId, project(projectId) + "/stats", "project stats");
    }

    // ---------------------------------------------------------------- nodes, links, snapshots

    public Uni<JsonNode> listNodes(UUID serverId, UUID projectId) {
        return get(serverId, project(projectId) + "/nodes", "list nodes");
    }

    public Uni<JsonNode> getNode(UUID serverId, UUID projectId, String nodeId) {
        return get(serverId, project(projectId) + "/nodes/" + nodeId, "read node");
    }

    /**
     * start, stop, suspend or reload one node: a lifecycle call (minutes on real images). Start, stop and suspend ask
     * for a state (GNS3 answers 200 for a node already in it), so one that got no answer at all is sent again; a
     * reload is not.
     */
    public Uni<JsonNode> nodeAction(UUID serverId, UUID projectId, String nodeId, String action) {
        return exchange(HttpMethod.POST, serverPath(serverId, project(projectId) + "/nodes/" + nodeId + "/" + action),
                null, action + " node", settings.lifecycleTimeout(), !"reload".equals(action), this::json);
    }

    public Uni<JsonNode> listLinks(UUID serverId, UUID projectId) {
        return get(serverId, project(projectId) + "/links", "list links");
    }

    public Uni<JsonNode> updateLink(UUID serverId, UUID projectId, String linkId, Object body) {
        return put(serverId, project(projectId) + "/links/" + linkId, body, "update link");
    }

    public Uni<JsonNode> listSnapshots(UUID serverId, UUID projectId) {
        return get(serverId, project(projectId) + "/snapshots", "list snapshots");
    }

    public Uni<JsonNode> createSnapshot(UUID serverId, UUID projectId, Object body) {
        return lifecycle(HttpMethod.POST, serverId, project(projectId) + "/snapshots", body, "create snapshot");
    }

    public Uni<JsonNode> restoreSnapshot(UUID serverId, UUID projectId, UUID snapshotId) {
        return lifecycle(HttpMethod.POST, serverId, project(projectId) + "/snapshots/" + snapshotId + "/restore", null,
                "restore snapshot");
    }

    public Uni<Void> deleteSnapshot(UUID serverId, UUID projectId, UUID snapshotId) {
        return delete(serverId, project(projectId) + "/snapshots/" + snapshotId, "delete snapshot").replaceWithVoid();
    }

    // ---------------------------------------------------------------- any call under /api/v1/servers/{serverId}

    /** A read: GNS3's JSON answer (an empty object when there is none). */
    public Uni<JsonNode> get(UUID serverId, String path, String what) {
        return call(HttpMethod.GET, serverId, path, null, what, settings.readTimeout());
    }

    public Uni<JsonNode> post(UUID serverId, String path, Object body, String what) {
        return call(HttpMethod.POST, serverId, path, body, what, settings.writeTimeout());
    }

    public Uni<JsonNode> put(UUID serverId, String path, Object body, String what) {
        return call(HttpMethod.PUT, serverId, path, body, what, settings.writeTimeout());
    }

    public Uni<JsonNode> delete(UUID serverId, String path, String what) {
        return call(HttpMethod.DELETE, serverId, path, null, what, settings.writeTimeout());
    }

    /** A call of the lifecycle class (node start, project open...), with the lifecycle timeout. */
    public Uni<JsonNode> lifecycle(HttpMethod method, UUID serverId, String path, Object body, String what) {
        return call(method, serverId, path, body, what, settings.lifecycleTimeout());
    }

    /**
     * One call; answers the gateway's JSON body (an empty object when there is none).
     *
     * @param path    under {@code /api/v1/servers/{serverId}}, e.g. {@code /projects/{id}/nodes}
     * @param what    the operation, for problem details ("create node PC1")
     * @param timeout how long to wait for the whole answer
     */
    public Uni<JsonNode> call(HttpMethod method, UUID serverId, String path, Object body, String what,
                              Duration timeout) {
        return exchange(method, serverPath(serverId, path), body, what, timeout, idempotent(method), this::json);
    }

    /**
     * Many calls on one server in as few requests as {@code batchSize} allows ({@code POST .../batch}): the gateway
     * runs them concurrently, never two at once on one node, in list order for calls on one node. Batches go one
     * after another, so that order holds across them. Each batch has the batch timeout.
     *
     * @param fields     the keys of GNS3's answer bodies to keep (null for whole bodies)
     * @param resultType what one call's result is read as (a record that ignores what it does not need)
     * @return each operation's result, in order
     */
    public <R> Uni<List<R>> batch(UUID serverId, List<BatchOperation> operations, Integer concurrency,
                                  List<String> fields, int batchSize, Class<R> resultType, String what) {
        int size = Math.max(1, batchSize);
        JavaType answerType = mapper.getTypeFactory().constructParametricType(BatchAnswers.class, resultType);
        List<R> results = new ArrayList<>(operations.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < operations.size(); from += size) {
            List<BatchOperation> slice = operations.subList(from, Math.min(operations.size(), from + size));
            chain = chain.chain(() -> exchange(HttpMethod.POST, serverPath(serverId, "/batch"),
                    new BatchRequest(slice, concurrency, fields), what, settings.batchTimeout(), replaySafe(slice),
                    answer -> this.<BatchAnswers<R>>read(answer, answerType, what))
                    .invoke(answers -> results.addAll(answers.results() == null ? List.of() : answers.results())))
                    .replaceWithVoid();
        }
        return chain.map(done -> {
            if (results.size() != operations.size()) {
                throw ProblemException.upstream(what + ": " + GatewayProblems.WHO + " answered " + results.size()
                        + " results for " + operations.size() + " operations");
            }
            return results;
        });
    }

    /** A node action that asks for a state: GNS3 answers 200 for a node already in it. */
    private static final Pattern STATE_ACTION = Pattern.compile(".*/nodes/[^/]+/(start|stop|suspend)");

    /**
     * Whether a batch that got no answer at all may be sent again: each of its calls can be replayed without harm.
     * Reads, updates and deletes can (a replayed delete meets a 404 its caller counts as gone); a node create that
     * names its {@code node_id} can (GNS3 refuses the duplicate, and callers read the node it names); a link create
     * can, as the gateway answers a replay with the link that already has its two ends; a node start, stop or
     * suspend asks for a state. A create from a template (GNS3 makes the id), any other create without its id, a
     * reload or a duplicate cannot: such a batch is sent once.
     */
    static boolean replaySafe(List<BatchOperation> operations) {
        for (BatchOperation op : operations) {
            if (!"POST".equalsIgnoreCase(op.method())) {
                continue;
            }
            String path = op.path() == null ? "" : op.path();
            boolean safe = path.endsWith("/links")
                    || path.endsWith("/nodes") && op.body() != null && op.body().hasNonNull("node_id")
                    || STATE_ACTION.matcher(path).matches();
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /** The gateway's answer to one batch, as far as the results go. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record BatchAnswers<R>(List<R> results) {
    }

    // ---------------------------------------------------------------- streams

    /**
     * Opens a streamed answer (a link's pcap): succeeds with the response once the gateway answered 2xx, before any
     * byte of the body is read; fails with the gateway's problem otherwise. The answer must start within the read
     * timeout; the stream may then stay silent for up to the stream idle timeout.
     */
    public Uni<HttpClientResponse> stream(UUID serverId, String path, String what) {
        return openStream(HttpMethod.GET, serverPath(serverId, path), what, settings.readTimeout(),
                settings.streamIdleTimeout());
    }

    /**
     * Opens a project's export (a .gns3project archive): fails with the gateway's problem before any byte is sent
     * when it refuses. The answer must start within the transfer timeout (GNS3 zips first), and may then pause for
     * as long.
     */
    public Uni<HttpClientResponse> export(UUID serverId, UUID projectId, boolean includeSnapshots, boolean resetMac) {
        // the gateway's export options are booleans (it speaks GNS3's yes/no onwards)
        String path = project(projectId) + "/export?include_snapshots=" + includeSnapshots
                + "&reset_mac_addresses=" + resetMac;
        return openStream(HttpMethod.GET, serverPath(serverId, path), "export project", settings.transferTimeout(),
                settings.transferTimeout());
    }

    /**
     * Imports an archive as project {@code projectId} on a server, streaming it to the gateway as the client sends
     * it; answers GNS3's project. The gateway's refusal (a 413 for an archive too large for it...) keeps its status.
     */
    public Uni<JsonNode> importArchive(UUID serverId, UUID projectId, String name, ArchiveUpload archive) {
        return upload(serverId, projectId, name, "import project",
                request -> Uni.createFrom().completionStage(() -> archive.sendTo(request).toCompletionStage()))
                .ifNoItem().after(settings.transferTimeout())
                .failWith(() -> GatewayProblems.tooSlow("import project", settings.transferTimeout()))
                .onFailure().transform(e -> GatewayProblems.failed("import project", e));
    }

    /**
     * Imports an archive read from {@code body} (exactly {@code length} bytes, pulled as the gateway takes them: an
     * archive kept by the caller, e.g. in PostgreSQL, never held whole) as project {@code projectId} on a server;
     * answers GNS3's project.
     */
    public Uni<JsonNode> importStream(UUID serverId, UUID projectId, String name, long length, Multi<Buffer> body) {
        return upload(serverId, projectId, name, "import project", out -> {
            out.putHeader("Content-Length", Long.toString(length));
            return io.vertx.mutiny.core.http.HttpClientRequest.newInstance(out).send(body)
                    .map(HttpClientResponse::getDelegate);
        }).ifNoItem().after(settings.transferTimeout())
                .failWith(() -> GatewayProblems.tooSlow("import project", settings.transferTimeout()))
                .onFailure().transform(e -> GatewayProblems.failed("import project", e));
    }

    /**
     * Copies a project from one server to another under the same id: the source's export is written into the
     * target's import as it arrives (backpressure both ways, never held whole). Answers the target's GNS3 project.
     */
    public Uni<JsonNode> transfer(UUID sourceServerId, UUID targetServerId, UUID projectId, String name,
                                  boolean includeSnapshots) {
        return export(sourceServerId, projectId, includeSnapshots, false).chain(exported -> {
            io.vertx.core.http.HttpClientResponse in = exported.getDelegate();
            in.pause();
            return upload(targetServerId, projectId, name, "import project", out -> {
                String length = in.getHeader("Content-Length");
                if (length != null) {
                    out.putHeader("Content-Length", length);
                } else {
                    out.setChunked(true);
                }
                io.vertx.core.Promise<io.vertx.core.http.HttpClientResponse> answer = io.vertx.core.Promise.promise();
                out.response().onComplete(answer);
                in.pipeTo(out).onFailure(e -> {
                    answer.tryFail(e);
                    out.reset();
                });
                return Uni.createFrom().completionStage(() -> answer.future().toCompletionStage());
            });
        }).ifNoItem().after(settings.transferTimeout())
                .failWith(() -> GatewayProblems.tooSlow("move project", settings.transferTimeout()))
                .onFailure().transform(e -> GatewayProblems.failed("move project", e));
    }

    /** A streamed POST of an archive to {@code .../projects/{projectId}/import}; answers GNS3's project. */
    private Uni<JsonNode> upload(UUID serverId, UUID projectId, String name, String what,
                                 Function<io.vertx.core.http.HttpClientRequest,
                                         Uni<io.vertx.core.http.HttpClientResponse>> write) {
        String path = project(projectId) + "/import?name=" + encode(name);
        RequestOptions options = options(HttpMethod.POST, serverPath(serverId, path), settings.transferTimeout())
                .putHeader("Content-Type", "application/octet-stream");
        return sign(options).chain(http::request)
                .chain(request -> write.apply(request.getDelegate()))
                .chain(response -> Uni.createFrom().completionStage(() -> response.body().toCompletionStage())
                        .map(body -> {
                            if (response.statusCode() >= 300) {
                                throw GatewayProblems.answered(what, response.statusCode(), body.toString(),
                                        response.getHeader("Retry-After"));
                            }
                            return json(Buffer.newInstance(body));
                        }));
    }

    private Uni<HttpClientResponse> openStream(HttpMethod method, String uri, String what, Duration answerTimeout,
                                               Duration idleTimeout) {
        return sign(options(method, uri, idleTimeout)).chain(http::request)
                .chain(request -> request.send())
                .chain(response -> response.statusCode() < 300 ? Uni.createFrom().item(response)
                        : response.body().<HttpClientResponse>map(answer -> {
                            throw GatewayProblems.answered(what, response.statusCode(), answer.toString(),
                                    response.getHeader("Retry-After"));
                        }))
                .ifNoItem().after(answerTimeout).failWith(() -> GatewayProblems.tooSlow(what, answerTimeout))
                .onFailure().transform(e -> GatewayProblems.failed(what, e));
    }

    // ---------------------------------------------------------------- transport

    /** Reads, and updates (a PUT asks for a state: sending it twice leaves the same state). */
    private static boolean idempotent(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.PUT;
    }

    /** @param resend whether a request that got no answer at all may be sent again (idempotent) */
    private <T> Uni<T> exchange(HttpMethod method, String uri, Object body, String what, Duration timeout,
                                boolean resend, Function<Buffer, T> decode) {
        Buffer payload;
        try {
            payload = body == null ? null : Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("unserialisable body for " + what, e));
        }
        RequestOptions options = options(method, uri, GatewaySettings.transportTimeout(timeout));
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        Supplier<Uni<HttpClientResponse>> send = () -> sign(options).chain(http::request)
                .chain(request -> payload == null ? request.send() : request.send(payload));
        return (resend ? TransportRetry.idempotent(send) : send.get())
                .chain(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 400) {
                        throw GatewayProblems.answered(what, response.statusCode(), answer.toString(),
                                response.getHeader("Retry-After"));
                    }
                    return decode.apply(answer);
                }))
                .ifNoItem().after(timeout).failWith(() -> GatewayProblems.tooSlow(what, timeout))
                .onFailure(e -> !(e instanceof IllegalArgumentException))
                .transform(e -> GatewayProblems.failed(what, e));
    }

    /** The caller's token (or the service account's): the gateway applies the caller's roles. */
    private Uni<RequestOptions> sign(RequestOptions options) {
        return authorization.get().map(header -> {
            if (header != null) {
                options.putHeader("Authorization", header);
            }
            return options;
        });
    }

    private RequestOptions options(HttpMethod method, String uri, Duration idleTimeout) {
        return new RequestOptions().setMethod(method).setHost(settings.url().getHost()).setPort(settings.port())
                .setSsl(settings.tls()).setURI(settings.basePath() + uri)
                .setIdleTimeout(idleTimeout.toMillis())
                .putHeader("Accept", ACCEPT);
    }

    private static String serverPath(UUID serverId, String path) {
        return "/api/v1/servers/" + serverId + path;
    }

    private static String project(UUID projectId) {
        return "/projects/" + projectId;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode json(Buffer answer) {
        if (answer.length() == 0) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(answer.getBytes());
        } catch (IOException e) {
            throw ProblemException.upstream("the gateway answered a body that is not JSON");
        }
    }

    private <T> T read(Buffer answer, JavaType type, String what) {
        try {
            ObjectReader reader = mapper.readerFor(type)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            return reader.readValue(answer.getBytes());
        } catch (IOException e) {
            throw ProblemException.upstream(what + ": " + GatewayProblems.WHO + " answered a body that cannot be read");
        }
    }
}
