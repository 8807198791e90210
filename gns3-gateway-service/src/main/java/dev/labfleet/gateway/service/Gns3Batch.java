package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.client.Gns3Response;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Runs a batch of GNS3 calls on one server: every call goes through the same client as a single call (the server's
 * breaker, bulkhead, timeouts, retries of idempotent calls, metrics), at most {@code concurrency} at once and never
 * two at once on one node, and every call's result is answered, success or problem. A caller that applies a
 * thousand-node lab makes one request to the gateway instead of thousands.
 *
 * <p>Only what a lab build needs is batchable (nodes, links and drawings of a project, node lifecycle), each call
 * checked against that list before any runs: a batch with one bad call is a 400 naming every bad call, and nothing
 * runs. Bodies go to GNS3 as the caller wrote them ({@link BatchReader}); the answer embeds GNS3's bodies as they
 * came, or only the keys the caller asked for, copied as bytes.
 */
@ApplicationScoped
public class Gns3Batch {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Gns3Batch.class);

    /** What a batch may do on a project's objects, by collection: the create's operation and its id field. */
    private static final Map<String, String> COLLECTIONS = Map.of("nodes", "node_id", "links", "link_id",
            "drawings", "drawing_id");
    private static final Set<String> NODE_ACTIONS = Set.of("start", "stop", "suspend", "reload");
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private final ServerDirectory directory;
    private final Gns3Client client;
    private final ObjectMapper mapper;
    private final GatewayConfig config;

    public Gns3Batch(ServerDirectory directory, Gns3Client client, ObjectMapper mapper, GatewayConfig config) {
        this.directory = directory;
        this.client = client;
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * @param json a {@code BatchRequest}
     * @return the JSON of a {@code BatchResponse}, results in the order of the operations
     * @throws ProblemException 400 listing every invalid operation (nothing ran), 404 for an unknown server
     */
    public Uni<Buffer> run(UUID serverId, byte[] json) {
        BatchReader.Read batch;
        try {
            batch = BatchReader.read(mapper.getFactory(), json);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e); // malformed JSON: a 400 through the problem mappers
        } catch (IOException e) {
            return Uni.createFrom().failure(new IllegalStateException("unreadable batch", e));
        }
        List<Call> calls = validate(batch);
        Set<String> fields = batch.fields() == null ? null : Set.copyOf(batch.fields());
        long start = System.nanoTime();
        long[] slowest = {0};
        return directory.endpoint(serverId).chain(endpoint -> {
            int limit = Math.min(endpoint.maxConcurrent(),
                    batch.concurrency() == null ? endpoint.maxConcurrent() : batch.concurrency());
            return KeyedScheduler.run(calls, Call::keys, call -> send(endpoint, call, fields, slowest), limit)
                    .invoke(outcomes -> LOG.infof("batch of %d GNS3 calls on %s: %d failed, %d ms (slowest call %d ms, "
                                    + "%d at once)", outcomes.size(), endpoint.name(),
                            outcomes.stream().filter(o -> o.problem() != null).count(),
                            (System.nanoTime() - start) / 1_000_000, slowest[0] / 1_000_000, limit));
        }).map(this::answer);
    }

    private CompletionStage<Outcome> send(Gns3Endpoint endpoint, Call call, Set<String> fields, long[] slowest) {
        long sent = System.nanoTime();
        return orExistingLink(endpoint, call, client.call(endpoint, call.request())).handle((response, thrown) -> {
            // a link create's failure comes back through thenCompose, wrapped in a CompletionException
            Throwable failure = thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null
                    ? thrown.getCause() : thrown;
            long took = System.nanoTime() - sent;
            synchronized (slowest) {
                slowest[0] = Math.max(slowest[0], took);
            }
            if (failure == null) {
                return new Outcome(call.id(), response.status(), project(json(response), fields), null);
            }
            // the client fails a call with its ProblemException itself, not wrapped
            Problem problem = failure instanceof ProblemException p ? p.problem()
                    : Problem.of(ProblemTypes.UPSTREAM_ERROR, call.request().operation() + " failed ("
                    + dev.labfleet.common.problem.UpstreamProblems.describe(failure) + ")");
            return new Outcome(call.id(), problem.status(), null, problem);
        });
    }

    /**
     * A link create that failed ambiguously or met "Port is already used" is answered with the existing link that
     * has its two ends, if there is one (see {@link LinkReplays}); any other call's outcome as it is.
     */
    private CompletionStage<Gns3Response> orExistingLink(Gns3Endpoint endpoint, Call call,
                                                         CompletionStage<Gns3Response> attempt) {
        if (!"links.create".equals(call.request().operation())) {
            return attempt;
        }
        return attempt.handle((response, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (failure == null || !LinkReplays.worthMatching(cause) || call.request().body() == null) {
                return attempt;
            }
            Set<String> ends = LinkReplays.ends(mapper, call.request().body().getBytes());
            if (ends == null) {
                return attempt;
            }
            return client.call(endpoint, Gns3Request.get(call.request().path(), "links.list"))
                    .handle((list, listFailure) -> {
                        JsonNode match = null;
                        if (listFailure == null && list.body() != null) {
                            try {
                                match = LinkReplays.match(mapper.readTree(list.body().getBytes()), ends);
                            } catch (IOException | RuntimeException ignored) {
                                // not a list: no match
                            }
                        }
                        if (match == null) {
                            return attempt;
                        }
                        try {
                            return java.util.concurrent.CompletableFuture.completedFuture(new Gns3Response(201,
                                    "application/json", io.vertx.mutiny.core.buffer.Buffer.buffer(
                                            mapper.writeValueAsBytes(match))));
                        } catch (JsonProcessingException e) {
                            return attempt;
                        }
                    }).thenCompose(java.util.function.Function.identity());
        }).thenCompose(java.util.function.Function.identity());
    }

    private static Buffer json(Gns3Response response) {
        if (response.body() == null || response.body().length() == 0 || response.contentType() == null
                || !response.contentType().contains("json")) {
            return null;
        }
        return response.body().getDelegate();
    }

    /**
     * Only the asked-for top-level keys of a JSON object body, their bytes copied as GNS3 wrote them (the rest is
     * skipped by the parser, never built); other bodies, or all when {@code fields} is null, as they came.
     */
    private Buffer project(Buffer body, Set<String> fields) {
        if (body == null || fields == null) {
            return body;
        }
        byte[] bytes = body.getBytes();
        try (JsonParser in = mapper.getFactory().createParser(bytes)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return body;
            }
            Buffer kept = Buffer.buffer(128).appendByte((byte) '{');
            boolean first = true;
            JsonToken token = in.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                boolean keep = fields.contains(in.currentName());
                int from = (int) in.currentTokenLocation().getByteOffset();
                in.nextToken();
                in.skipChildren();
                token = in.nextToken();
                if (keep) {
                    // from the key to where the next key (or the closing brace) starts, less the comma between
                    int to = (int) in.currentTokenLocation().getByteOffset();
                    while (to > from && (bytes[to - 1] == ',' || Character.isWhitespace(bytes[to - 1]))) {
                        to--;
                    }
                    if (!first) {
                        kept.appendByte((byte) ',');
                    }
                    kept.appendBytes(bytes, from, to - from);
                    first = false;
                }
            }
            return kept.appendByte((byte) '}');
        } catch (IOException e) {
            return body; // not JSON after all: passed through as GNS3 gave it
        }
    }

    /** The answer, written around GNS3's bodies (their bytes are copied in, never parsed). */
    private Buffer answer(List<Outcome> outcomes) {
        int succeeded = (int) outcomes.stream().filter(o -> o.problem() == null).count();
        int size = 64 + outcomes.stream().mapToInt(o -> 64 + (o.body() == null ? 0 : o.body().length())).sum();
        Buffer out = Buffer.buffer(size)
                .appendString("{\"succeeded\":" + succeeded + ",\"failed\":" + (outcomes.size() - succeeded)
                        + ",\"results\":[");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            out.appendString(i == 0 ? "{\"id\":\"" : ",{\"id\":\"").appendBytes(QUOTE.quoteAsUTF8(o.id()))
                    .appendString("\"")
                    .appendString(",\"status\":" + o.status());
            if (o.body() != null) {
                out.appendString(",\"body\":").appendBuffer(o.body());
            }
            if (o.problem() != null) {
                out.appendString(",\"problem\":").appendBytes(bytes(o.problem()));
            }
            out.appendString("}");
        }
        return out.appendString("]}");
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unwritable batch result", e);
        }
    }

    /** Every operation checked and turned into its call; all that is wrong is reported at once. */
    private List<Call> validate(BatchReader.Read batch) {
        List<Problem.Violation> violations = new ArrayList<>(batch.violations());
        List<BatchReader.Operation> operations = batch.operations() == null ? List.of() : batch.operations();
        int max = config.batch().maxOperations();
        if (operations.isEmpty()) {
            if (violations.stream().noneMatch(v -> v.field().equals("operations"))) {
                violations.add(new Problem.Violation("operations", "must hold at least one operation"));
            }
        } else if (operations.size() > max) {
            violations.add(new Problem.Violation("operations", "holds " + operations.size()
                    + " operations; a batch holds at most " + max + ": split it"));
        }
        if (batch.concurrency() != null && batch.concurrency() < 1) {
            violations.add(new Problem.Violation("concurrency", "must be at least 1"));
        }
        if (batch.fields() != null) {
            for (int i = 0; i < batch.fields().size(); i++) {
                String field = batch.fields().get(i);
                if (field == null || field.isBlank()) {
                    violations.add(new Problem.Violation("fields[" + i + "]", "must not be blank"));
                }
            }
        }
        List<Call> calls = new ArrayList<>(operations.size());
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < operations.size() && operations.size() <= max; i++) {
            BatchReader.Operation op = operations.get(i);
            if (op == null) {
                violations.add(new Problem.Violation("operations[" + i + "]", "must not be null"));
                continue;
            }
            if (op.id() == null || op.id().isBlank()) {
                violations.add(new Problem.Violation("operations[" + i + "].id", "must not be blank"));
            } else {
                Integer first = ids.putIfAbsent(op.id(), i);
                if (first != null) {
                    violations.add(new Problem.Violation("operations[" + i + "].id", "'" + op.id()
                            + "' is also the id of operations[" + first + "]"));
                }
            }
            HttpMethod method = op.method() == null ? null : switch (op.method().toUpperCase(Locale.ROOT)) {
                case "GET" -> HttpMethod.GET;
                case "POST" -> HttpMethod.POST;
                case "PUT" -> HttpMethod.PUT;
                case "DELETE" -> HttpMethod.DELETE;
                default -> null;
            };
            if (method == null) {
                violations.add(new Problem.Violation("operations[" + i + "].method", "must be GET, POST, PUT or DELETE"));
                continue;
            }
            if (op.bodyShape() != null) {
                violations.add(new Problem.Violation("operations[" + i + "].body", "must be a JSON object, not "
                        + op.bodyShape()));
                continue;
            }
            Call call = op.path() == null ? null : call(op, method);
            if (call == null) {
                violations.add(new Problem.Violation("operations[" + i + "].path", "'" + op.method() + " " + op.path()
                        + "' is not a batchable call (nodes, links and drawings of a project)"));
                continue;
            }
            calls.add(call);
        }
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemTypes.VALIDATION, violations.size() == 1
                    ? violations.get(0).field() + ": " + violations.get(0).message()
                    : violations.size() + " invalid fields in the batch").withViolations(violations));
        }
        return calls;
    }

    /**
     * The call an operation makes, or null when its method and path are not batchable:
     * {@code /projects/{id}/(nodes|links|drawings)} (POST), {@code .../(nodes|links|drawings)/{id}} (GET, PUT,
     * DELETE), {@code /projects/{id}/templates/{id}} (POST) and {@code /projects/{id}/nodes/{id}/(start|stop|
     * suspend|reload)} (POST). Ids are UUIDs; nothing else (no query, no {@code ..}) passes.
     */
    private static Call call(BatchReader.Operation op, HttpMethod method) {
        String[] at = op.path().split("/", -1);
        if (at.length < 4 || !at[0].isEmpty() || !at[1].equals("projects") || !uuid(at[2])) {
            return null;
        }
        String collection = at[3];
        String idField = COLLECTIONS.get(collection);
        String named = at.length > 4 && uuid(at[4]) ? at[4].toLowerCase(Locale.ROOT) : null;
        String operation;
        OperationClass kind = OperationClass.WRITE;
        String createdId = null;
        if (at.length == 4 && idField != null && method == HttpMethod.POST) {
            operation = collection + ".create";
            createdId = op.idOf(idField);
        } else if (at.length == 5 && collection.equals("templates") && named != null && method == HttpMethod.POST) {
            operation = "nodes.create_from_template";
            named = null; // a template, not a node: nothing to order on
        } else if (at.length == 5 && idField != null && named != null && method != HttpMethod.POST) {
            operation = collection + (method == HttpMethod.GET ? ".get" : method == HttpMethod.PUT ? ".update" : ".delete");
            kind = method == HttpMethod.GET ? OperationClass.READ : OperationClass.WRITE;
        } else if (at.length == 6 && collection.equals("nodes") && named != null && method == HttpMethod.POST
                && NODE_ACTIONS.contains(at[5])) {
            operation = "nodes." + at[5];
            kind = OperationClass.LIFECYCLE;
        } else {
            return null;
        }
        // a link create is never retried: GNS3 ignores link_id (LinkReplays matches a replay by its ends instead)
        boolean idempotent = method != HttpMethod.POST || createdId != null && !collection.equals("links");
        Gns3Request request = new Gns3Request(method, op.path(), op.body() == null ? null
                : io.vertx.mutiny.core.buffer.Buffer.buffer(op.body()), kind, idempotent, operation);
        // a link's two nodes are busy while it is made
        return new Call(op.id(), request, keys(named, createdId,
                operation.equals("links.create") ? op.linkNodes() : List.of()));
    }

    /** The nodes a call touches (GNS3 serves one request at a time per node), and the object it names. */
    private static List<String> keys(String named, String createdId, List<String> linkNodes) {
        List<String> keys = new ArrayList<>(1 + linkNodes.size());
        if (named != null) {
            keys.add(named);
        }
        if (createdId != null) {
            keys.add(createdId.toLowerCase(Locale.ROOT));
        }
        for (String node : linkNodes) {
            String key = node.toLowerCase(Locale.ROOT);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static boolean uuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private record Call(String id, Gns3Request request, List<String> keys) {
    }

    private record Outcome(String id, int status, Buffer body, Problem problem) {
    }
}
