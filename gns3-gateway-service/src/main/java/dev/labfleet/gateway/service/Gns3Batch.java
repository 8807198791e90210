package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.gns3.BatchRequest;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a batch of GNS3 calls on one server: every call goes through the same client as a single call (the server's
 * breaker, bulkhead, timeouts, retries of idempotent calls, metrics), at most {@code concurrency} at once and never
 * two at once on one node, and every call's result is answered, success or problem. A caller that applies a
 * thousand-node lab makes one request to the gateway instead of thousands.
 *
 * <p>Only what a lab build needs is batchable (nodes, links and drawings of a project, node lifecycle), each call
 * checked against that list before any runs: a batch with one bad call is a 400 naming every bad call, and nothing
 * runs. The answer embeds GNS3's bodies as they came, without parsing them, or only the keys the caller asked for.
 */
@ApplicationScoped
public class Gns3Batch {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Gns3Batch.class);

    private static final String ID = "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})";
    private static final List<Route> ROUTES = List.of(
            new Route(HttpMethod.POST, "/projects/" + ID + "/nodes", "nodes.create", OperationClass.WRITE, "node_id"),
            new Route(HttpMethod.POST, "/projects/" + ID + "/templates/" + ID, "nodes.create_from_template",
                    OperationClass.WRITE, null),
            new Route(HttpMethod.GET, "/projects/" + ID + "/nodes/" + ID, "nodes.get", OperationClass.READ, null),
            new Route(HttpMethod.PUT, "/projects/" + ID + "/nodes/" + ID, "nodes.update", OperationClass.WRITE, null),
            new Route(HttpMethod.DELETE, "/projects/" + ID + "/nodes/" + ID, "nodes.delete", OperationClass.WRITE, null),
            new Route(HttpMethod.POST, "/projects/" + ID + "/nodes/" + ID + "/(start|stop|suspend|reload)", "nodes.",
                    OperationClass.LIFECYCLE, null),
            new Route(HttpMethod.POST, "/projects/" + ID + "/links", "links.create", OperationClass.WRITE, "link_id"),
            new Route(HttpMethod.GET, "/projects/" + ID + "/links/" + ID, "links.get", OperationClass.READ, null),
            new Route(HttpMethod.PUT, "/projects/" + ID + "/links/" + ID, "links.update", OperationClass.WRITE, null),
            new Route(HttpMethod.DELETE, "/projects/" + ID + "/links/" + ID, "links.delete", OperationClass.WRITE, null),
            new Route(HttpMethod.POST, "/projects/" + ID + "/drawings", "drawings.create", OperationClass.WRITE,
                    "drawing_id"),
            new Route(HttpMethod.GET, "/projects/" + ID + "/drawings/" + ID, "drawings.get", OperationClass.READ, null),
            new Route(HttpMethod.PUT, "/projects/" + ID + "/drawings/" + ID, "drawings.update", OperationClass.WRITE,
                    null),
            new Route(HttpMethod.DELETE, "/projects/" + ID + "/drawings/" + ID, "drawings.delete",
                    OperationClass.WRITE, null));

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
     * @return the JSON of a {@code BatchResponse}, results in the order of the operations
     * @throws ProblemException 400 listing every invalid operation (nothing ran), 404 for an unknown server
     */
    public Uni<Buffer> run(UUID serverId, BatchRequest batch) {
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

    private Uni<Outcome> send(Gns3Endpoint endpoint, Call call, Set<String> fields, long[] slowest) {
        long[] sent = {0};
        return client.send(endpoint, call.request())
                .onSubscription().invoke(() -> sent[0] = System.nanoTime())
                .onTermination().invoke(() -> {
                    long took = System.nanoTime() - sent[0];
                    synchronized (slowest) {
                        slowest[0] = Math.max(slowest[0], took);
                    }
                })
                .map(response -> new Outcome(call.id(), response.status(), project(json(response), fields), null))
                .onFailure().recoverWithItem(e -> {
                    Problem problem = e instanceof ProblemException p ? p.problem()
                            : Problem.of(ProblemTypes.UPSTREAM_ERROR, call.request().operation() + " failed ("
                            + e.getClass().getSimpleName() + ")");
                    return new Outcome(call.id(), problem.status(), null, problem);
                });
    }

    private static Buffer json(Gns3Response response) {
        if (response.body() == null || response.body().length() == 0 || response.contentType() == null
                || !response.contentType().contains("json")) {
            return null;
        }
        return response.body().getDelegate();
    }

    /**
     * Only the asked-for top-level keys of a JSON object body, copied token by token (what is left out is skipped,
     * never built); other bodies, or all when {@code fields} is null, as they came.
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
            java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream(128);
            try (JsonGenerator out = mapper.getFactory().createGenerator(kept)) {
                out.writeStartObject();
                while (in.nextToken() == JsonToken.FIELD_NAME) {
                    String name = in.currentName();
                    in.nextToken();
                    if (fields.contains(name)) {
                        out.writeFieldName(name);
                        out.copyCurrentStructure(in);
                    } else {
                        in.skipChildren();
                    }
                }
                out.writeEndObject();
            }
            return Buffer.buffer(kept.toByteArray());
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
            out.appendString(i == 0 ? "{\"id\":" : ",{\"id\":").appendBytes(bytes(o.id()))
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
    private List<Call> validate(BatchRequest batch) {
        List<Problem.Violation> violations = new ArrayList<>();
        List<BatchOperation> operations = batch == null || batch.operations() == null ? List.of() : batch.operations();
        int max = config.batch().maxOperations();
        if (operations.isEmpty()) {
            violations.add(new Problem.Violation("operations", "must hold at least one operation"));
        } else if (operations.size() > max) {
            violations.add(new Problem.Violation("operations", "holds " + operations.size()
                    + " operations; a batch holds at most " + max + ": split it"));
        }
        if (batch != null && batch.concurrency() != null && batch.concurrency() < 1) {
            violations.add(new Problem.Violation("concurrency", "must be at least 1"));
        }
        if (batch != null && batch.fields() != null) {
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
            String at = "operations[" + i + "]";
            BatchOperation op = operations.get(i);
            if (op == null) {
                violations.add(new Problem.Violation(at, "must not be null"));
                continue;
            }
            if (op.id() == null || op.id().isBlank()) {
                violations.add(new Problem.Violation(at + ".id", "must not be blank"));
            } else {
                Integer first = ids.putIfAbsent(op.id(), i);
                if (first != null) {
                    violations.add(new Problem.Violation(at + ".id", "'" + op.id() + "' is also the id of operations["
                            + first + "]"));
                }
            }
            HttpMethod method = op.method() == null ? null : switch (op.method().toUpperCase(java.util.Locale.ROOT)) {
                case "GET" -> HttpMethod.GET;
                case "POST" -> HttpMethod.POST;
                case "PUT" -> HttpMethod.PUT;
                case "DELETE" -> HttpMethod.DELETE;
                default -> null;
            };
            if (method == null) {
                violations.add(new Problem.Violation(at + ".method", "must be GET, POST, PUT or DELETE"));
                continue;
            }
            if (op.body() != null && !op.body().isObject()) {
                violations.add(new Problem.Violation(at + ".body", "must be a JSON object"));
                continue;
            }
            Call call = op.path() == null ? null : call(op, method);
            if (call == null) {
                violations.add(new Problem.Violation(at + ".path", "'" + op.method() + " " + op.path()
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

    private Call call(BatchOperation op, HttpMethod method) {
        for (Route route : ROUTES) {
            if (route.method() != method) {
                continue;
            }
            Matcher m = route.pattern().matcher(op.path());
            if (!m.matches()) {
                continue;
            }
            String operation = route.operation().endsWith(".") ? route.operation() + m.group(3) : route.operation();
            JsonNode body = op.body();
            boolean idempotent = method != HttpMethod.POST
                    || (route.idField() != null && body != null && body.hasNonNull(route.idField()));
            Gns3Request request = new Gns3Request(method, op.path(), body == null ? null
                    : io.vertx.mutiny.core.buffer.Buffer.buffer(bytes(body)), route.operationClass(), idempotent, operation);
            return new Call(op.id(), request, keys(route, m, body));
        }
        return null;
    }

    /** The nodes a call touches (GNS3 serves one request at a time per node), and the object it names. */
    private static Set<String> keys(Route route, Matcher m, JsonNode body) {
        Set<String> keys = new LinkedHashSet<>();
        if (m.groupCount() >= 2 && !route.operation().startsWith("nodes.create_from")) {
            keys.add(m.group(2).toLowerCase(java.util.Locale.ROOT));
        }
        if (body != null && route.idField() != null && body.hasNonNull(route.idField())) {
            keys.add(body.get(route.idField()).asText().toLowerCase(java.util.Locale.ROOT));
        }
        if (body != null && route.operation().equals("links.create")) {
            body.path("nodes").forEach(end -> {
                if (end.hasNonNull("node_id")) {
                    keys.add(end.get("node_id").asText().toLowerCase(java.util.Locale.ROOT));
                }
            });
        }
        return keys;
    }

    private record Route(HttpMethod method, Pattern pattern, String operation, OperationClass operationClass,
                         String idField) {
        Route(HttpMethod method, String path, String operation, OperationClass operationClass, String idField) {
            this(method, Pattern.compile(path), operation, operationClass, idField);
        }
    }

    private record Call(String id, Gns3Request request, Set<String> keys) {
    }

    private record Outcome(String id, int status, Buffer body, Problem problem) {
    }
}
