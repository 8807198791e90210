package dev.labfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzz suite (#14 item 7): for every operation of every service's OpenAPI document, generated bad requests
 * (malformed JSON, wrong types, missing and extra fields, huge bodies and strings, deep nesting, path traversal and
 * injection strings in path, query and body, wrong content types, bad, expired and forged tokens) against the
 * running services. Each probe is either <em>bad</em> (a request no route may take: malformed JSON, a JSON
 * document of the wrong shape or with properties of the wrong type, a query parameter that is not of its declared
 * type, a body of a type the route does not consume, a body over the limit, a bad or missing credential, a viewer's
 * change), which must be answered with a 4xx {@code application/problem+json}, or <em>odd</em> (injection and
 * overlong strings in free-text fields, unknown properties, empty parameters, GraphQL documents with wrong fields,
 * which a route may legitimately take), which must never be a 5xx other than a 502/503/504 problem naming an
 * upstream failure. For every probe a finding is also: an error that is not {@code application/problem+json}, a stack
 * trace, SQL or a Java exception class name in a body, an answer slower than {@link #SLOW} (5 s, as the issue asks),
 * no answer at all within {@link #ANSWER_WITHIN} (a hang), or a secret (a GNS3 password registered for the run, a
 * token sent) in an answer or a log line. Each operation gets a fixed, seeded sample of its generated probes
 * ({@link #sample}) so that the run stays short enough for every CI build. The answer times, the request count and
 * the findings go to {@code target/fuzz-report.md} (figures for docs/benchmarks.md, reliability section).
 */
@ExtendWith(Suite.Extension.class)
class FuzzIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An answer must come within this; beyond it the request counts as hung (a finding). Not a speed target. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);
    /** An answer slower than this is a finding (#14 item 7). */
    static final Duration SLOW = Duration.ofSeconds(5);
    /** Probes per operation (a seeded sample of its candidates; the GraphQL endpoint's probes are all sent). */
    static final int PER_OPERATION = Integer.getInteger("fuzz.per-operation", 12);
    /** The sample's seed: fixed, so every run sends the same sample. */
    static final long SEED = Long.getLong("fuzz.seed", 14);
    /** Requests in flight at once. */
    static final int CLIENTS = Integer.getInteger("fuzz.clients", 4);
    /** A GNS3 password this run registers: it must never come back, nor be logged. */
    private static final String SECRET = "fuzz-secret-" + UUID.randomUUID();
    private static final String FORGED_TOKEN = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
            "{\"sub\":\"mallory\",\"groups\":[\"admin\"],\"exp\":4102444800}") + "." + b64("not-a-signature");
    private static final String EXPIRED_TOKEN = jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"fuzz\"}",
            "{\"sub\":\"alice\",\"groups\":[\"operator\"],\"exp\":946684800}") + "." + b64("expired");
    private static final String NONE_TOKEN = jwt("{\"alg\":\"none\"}", "{\"sub\":\"root\",\"groups\":[\"admin\"]}") + ".";
    /** Tokens of the run's issuer: an admin's (the fuzzing itself), a viewer's, one that expired, one it never signed. */
    private static final String ADMIN = E2e.token("fuzz-admin", "admin");
    private static final String VIEWER = E2e.token("fuzz-viewer", "viewer");
    /** An operator of no group: it may not touch the admin's routes (the server registry, policies, rules, reindex). */
    private static final String OPERATOR = E2e.token("fuzz-operator", "operator");
    private static final String ISSUER_EXPIRED = E2e.issuer().token("fuzz-late", List.of("admin"), List.of(),
            Duration.ofMinutes(-10));
    private static final List<String> TOKENS = List.of("Bearer " + FORGED_TOKEN, "Bearer " + EXPIRED_TOKEN,
            "Bearer " + NONE_TOKEN, "Bearer garbage", "Basic YWRtaW46YWRtaW4=", "Bearer " + ISSUER_EXPIRED, "");
    private static final List<String> PATH_VALUES = List.of("..%2F..%2F..%2Fetc%2Fpasswd", "%27%20OR%20%271%27%3D%271",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "x".repeat(300), "%00", "-1", "99999999999999999999999");
    private static final List<String> INJECTIONS = List.of("' OR '1'='1' --", "'; DROP TABLE outbox_event; --",
            "../../../../etc/passwd", "${jndi:ldap://127.0.0.1:1/a}", "<script>alert(1)</script>", "\u0000\u0001",
            "%s%s%s%n", "{{7*7}}", "\\\\x00");

    /** A stack frame, a Java exception class, SQL or a driver's words: never in an answer. */
    private static final Pattern LEAK = Pattern.compile(
            "\\bat (?:java|jakarta|io|org|com|dev|sun)\\.[\\w.$]+\\(|\\b(?:java|javax|jakarta|io|org|com|dev)\\.(?:[a-z0-9_]+\\.)+[A-Z]\\w*(?:Exception|Error)\\b"
                    + "|\\b[A-Z]\\w*(?:Exception|Error)\\b(?=[:\\s\"]|$)|\\bSELECT\\s.+\\sFROM\\s|\\bINSERT INTO\\b|\\bsyntax error at or near\\b"
                    + "|\\bSQLSTATE\\b|\\borg\\.hibernate\\b|\\bTraceback \\(most recent call last\\)");
    /** A 502/503/504 problem's detail that names what failed upstream (when its type is not an upstream one). */
    private static final Pattern UPSTREAM = Pattern.compile(
            "(?i)upstream|gns3|unavailable|timed out|did not answer|not reachable|cannot be reached");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<String> findings = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger addresses = new AtomicInteger();
    private final Map<String, AtomicInteger> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();

    /**
     * One generated request; {@code bad}: no route may take it, so it must be answered with a 4xx problem (else it
     * is odd: anything but a 5xx that is not an upstream's).
     */
    record Probe(String service, String baseUrl, String method, String path, String contentType, byte[] body,
                 String authorization, String what, String operation, Category category, boolean bad) {
    }

    /** What a probe tries; the report counts answers per category. */
    enum Category { PATH, QUERY, BAD_TOKEN, NO_TOKEN, VIEWER, OPERATOR, BODY, CONTENT_TYPE, HUGE }

    /** Operations that answer without a token on purpose (as each service's SecuredRoutesTest declares them). */
    private static final java.util.Set<String> PUBLIC = java.util.Set.of("monitoring-service GET /dashboard");

    /** The status each authentication probe got, per operation ("module METHOD /template"). */
    private final Map<String, List<Map.Entry<Probe, Integer>>> authAnswers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Category, Map<Integer, AtomicInteger>> byCategory = new java.util.concurrent.ConcurrentHashMap<>();
    /** Odd requests a route took (2xx): not findings (a name may hold quotes), listed in the report for review. */
    private final ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
    /** How long each answer took (ms) and to what: measured, reported, never asserted. */
    private final ConcurrentLinkedQueue<Map.Entry<Long, String>> durations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger badProbes = new AtomicInteger();
    /** Mutating operations the OpenAPI documents reserve for admins (an operator's token on them is bad). */
    private final AtomicInteger adminOnlyOperations = new AtomicInteger();

    @Test
    void everyOperationOfEveryServiceSurvivesBadRequests() throws Exception {
        String serverId = registerServerWithASecret();
        List<Probe> probes = new ArrayList<>();
        int operations = 0;
        int candidateCount = 0;
        for (ServiceProcess service : Suite.current().services()) {
            JsonNode doc = JSON.readTree(get(service.baseUrl() + "/q/openapi?format=json"));
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    String method = op.getKey().toUpperCase(Locale.ROOT);
                    if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                        continue;
                    }
                    operations++;
                    List<Probe> candidates = probes(service, doc, path.getKey(), method, op.getValue(), path.getValue());
                    candidateCount += candidates.size();
                    probes.addAll(sample(candidates));
                }
            }
            // one body over the limit per service, on its first operation that consumes JSON (every JSON route's
            // limit is below 11 MiB; streaming upload routes take other types)
            probes.stream().filter(p -> p.service().equals(service.module()) && p.category() == Category.BODY)
                    .findFirst().ifPresent(p -> probes.add(new Probe(p.service(), p.baseUrl(), p.method(), p.path(),
                            "application/json", null, null, "an 11 MiB body announced", p.operation(),
                            Category.HUGE, true)));
        }
        assertThat(operations).as("operations found in the services' OpenAPI documents").isGreaterThan(100);
        // search-service's GraphQL endpoint is in no OpenAPI document: its own probes
        probes.addAll(graphql(Suite.current().service("search")));

        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (Probe probe : probes) {
                pool.submit(() -> {
                    try {
                        send(probe);
                    } catch (RuntimeException e) {
                        findings.add(probe.service() + " " + probe.method() + " " + abbreviate(probe.path()) + " ["
                                + probe.what() + "]: the fuzz client failed: " + e);
                    }
                });
            }
            pool.shutdown();
            // each request has its own timeout (ANSWER_WITHIN); this bound only keeps a broken client from hanging the
            // build (it is far above any run's time, not a speed target)
            assertThat(pool.awaitTermination(45, java.util.concurrent.TimeUnit.MINUTES))
                    .as("the fuzz run's requests all ended (each answered or timed out)").isTrue();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        deleteServer(serverId);
        checkAuthentication();
        checkLogs();
        report(operations, candidateCount, seconds);
        assertThat(findings).as("fuzz findings (also in e2e-tests/target/fuzz-report.md)").isEmpty();
    }

    // ------------------------------------------------------------------ generation

    /**
     * A fixed sample of an operation's candidate probes, so that the run's length stays bounded (CI runs it on every
     * build): every category the operation has (path, query, bad token, no token, viewer, operator, body, content type) is
     * represented, and the rest of the {@link #PER_OPERATION} places are drawn from the remaining candidates. The draw
     * is seeded with {@link #SEED} and the operation's name, so every run sends the same kinds of probe to the same
     * operation (another seed, {@code -Dfuzz.seed=N}, samples other cases; {@code -Dfuzz.per-operation=1000} sends
     * them all).
     */
    private static List<Probe> sample(List<Probe> candidates) {
        if (candidates.size() <= PER_OPERATION) {
            return candidates;
        }
        java.util.Random random = new java.util.Random(SEED * 31 + candidates.get(0).operation().hashCode());
        List<Probe> left = new ArrayList<>(candidates);
        java.util.Collections.shuffle(left, random);
        List<Probe> out = new ArrayList<>();
        for (Category c : Category.values()) {
            left.stream().filter(p -> p.category() == c).findFirst().ifPresent(p -> {
                out.add(p);
                left.remove(p);
            });
        }
        for (Iterator<Probe> it = left.iterator(); it.hasNext() && out.size() < PER_OPERATION; ) {
            out.add(it.next());
        }
        return out;
    }

    private List<Probe> probes(ServiceProcess service, JsonNode doc, String template, String method, JsonNode op,
                               JsonNode pathItem) {
        List<Probe> out = new ArrayList<>();
        List<JsonNode> params = new ArrayList<>();
        pathItem.path("parameters").forEach(params::add);
        op.path("parameters").forEach(params::add);
        List<JsonNode> queryParams = params.stream().filter(p -> "query".equals(p.path("in").asText())).toList();
        List<String> queryNames = queryParams.stream().map(p -> p.path("name").asText()).toList();
        boolean hasPathParams = template.contains("{");
        String plain = plain(template, params);
        String module = service.module();
        String base = service.baseUrl();
        String operation = module + " " + method + " " + template;
        JsonNode content = op.path("requestBody").path("content");
        // the body probes go to operations that declare a JSON body; a route without a body may ignore one
        boolean takesJson = content.has("application/json");
        boolean open = PUBLIC.contains(operation);

        if (hasPathParams) {
            // a value no route's parameter holds (traversal, injection, 300 characters, NUL, -1, a 23-digit number):
            // 400 or 404, never a 2xx
            for (String v : PATH_VALUES) {
                out.add(new Probe(module, base, method, fill(template, v), takesJson ? "application/json" : null,
                        takesJson ? bytes("{}") : null, null, "path parameters " + abbreviate(v), operation,
                        Category.PATH, true));
            }
        }
        if (!queryNames.isEmpty()) {
            // injection, traversal, numbers, 3,000 characters and empty values in every query parameter at once: a
            // free-text parameter may take them (odd)
            for (String v : List.of(INJECTIONS.get(0), INJECTIONS.get(2), "-1", "99999999999999999999999", "x".repeat(3000), "")) {
                StringBuilder q = new StringBuilder(plain).append('?');
                for (String name : queryNames) {
                    q.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
                }
                out.add(new Probe(module, base, method, q.toString(), null, null, null, "query parameters " + abbreviate(v),
                        operation, Category.QUERY, false));
            }
            // a value that is not of the parameter's declared type (a number, a boolean, a UUID, an enum value, a
            // date-time), one parameter at a time: bad
            for (JsonNode param : queryParams) {
                String wrong = wrongValue(resolve(doc, param.path("schema")));
                if (wrong != null) {
                    String name = param.path("name").asText();
                    out.add(new Probe(module, base, method, plain + "?" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                            + "=" + URLEncoder.encode(wrong, StandardCharsets.UTF_8), null, null, null,
                            "query parameter " + name + "=" + wrong, operation, Category.QUERY, true));
                }
            }
        }
        for (String token : TOKENS) {
            out.add(new Probe(module, base, method, plain, null, null, token,
                    token.isEmpty() ? "no token" : "token " + abbreviate(token), operation,
                    token.isEmpty() ? Category.NO_TOKEN : Category.BAD_TOKEN, !open));
        }
        if (!"GET".equals(method)) {
            // a viewer's token on a change: refused for the role (403), whatever the body
            out.add(new Probe(module, base, method, plain, takesJson ? "application/json" : null,
                    takesJson ? bytes("{}") : null, "Bearer " + VIEWER, "a viewer's token", operation,
                    Category.VIEWER, !open));
            // an operator's token on a change: bad on a route the document reserves for admins (its security
            // requirement names the roles), odd elsewhere (an operator may act there; never a 5xx)
            boolean adminOnly = adminOnly(op);
            if (adminOnly) {
                adminOnlyOperations.incrementAndGet();
            }
            out.add(new Probe(module, base, method, plain, takesJson ? "application/json" : null,
                    takesJson ? bytes("{}") : null, "Bearer " + OPERATOR, "an operator's token", operation,
                    Category.OPERATOR, adminOnly && !open));
        }
        if (takesJson) {
            JsonNode schema = resolve(doc, content.path("application/json").path("schema"));
            boolean object = schema.path("properties").isObject() || "object".equals(schema.path("type").asText());
            // bad: not JSON, two documents, nesting deeper than any parser allows, and a scalar or array where the
            // route takes an object
            List<String> bad = new ArrayList<>(List.of("{\"name\": ", "{", "{\"a\":1}{\"b\":2}",
                    "[".repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)));
            if (object) {
                bad.addAll(List.of("[]", "\"text\"", "42"));
            }
            ObjectNode wrong = wrongTypes(doc, schema);
            if (wrong != null) {
                bad.add(wrong.toString());
            }
            // odd: an empty object and unknown members (a route whose members are all optional takes them), a BOM,
            // null, injection strings and 200,000-character strings in every member (a name may hold quotes; a
            // script's body may be long)
            List<String> odd = new ArrayList<>(List.of("null", "{}", "\uFEFF{}",
                    "{\"unexpectedField\": true, \"__proto__\": {\"admin\": true}}"));
            for (String injection : List.of(INJECTIONS.get(0), INJECTIONS.get(3), INJECTIONS.get(5))) {
                ObjectNode injected = withStrings(schema, injection);
                if (injected != null) {
                    odd.add(injected.toString());
                }
            }
            ObjectNode longStrings = withStrings(schema, "y".repeat(200_000));
            if (longStrings != null) {
                odd.add(longStrings.toString());
            }
            for (String body : bad) {
                out.add(new Probe(module, base, method, plain, "application/json", bytes(body), null,
                        "body " + abbreviate(body), operation, Category.BODY, true));
            }
            for (String body : odd) {
                out.add(new Probe(module, base, method, plain, "application/json", bytes(body), null,
                        "body " + abbreviate(body), operation, Category.BODY, false));
            }
            // a body of a type the operation does not consume: 415
            for (String[] typed : List.of(new String[] {"text/plain", "name=x", "text/plain body"},
                    new String[] {"application/xml", "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>", "XML body"},
                    new String[] {"application/x-www-form-urlencoded", "a=1&b=2", "form body"})) {
                if (!content.has(typed[0])) {
                    out.add(new Probe(module, base, method, plain, typed[0], bytes(typed[1]), null, typed[2],
                            operation, Category.CONTENT_TYPE, true));
                }
            }
            out.add(new Probe(module, base, method, plain, "application/json; charset=x-unknown", bytes("{}"), null,
                    "unknown charset", operation, Category.CONTENT_TYPE, false));
        }
        return out;
    }

    /**
     * Whether the operation's security requirements (Quarkus lists an operation's {@code @RolesAllowed} roles as the
     * requirement's scopes) name roles and neither operator nor viewer among them. False when they name no roles.
     */
    private static boolean adminOnly(JsonNode op) {
        List<String> roles = new ArrayList<>();
        op.path("security").forEach(requirement -> requirement.fields()
                .forEachRemaining(e -> e.getValue().forEach(r -> roles.add(r.asText()))));
        return !roles.isEmpty() && !roles.contains("operator") && !roles.contains("viewer");
    }

    /** A value that is not of the type {@code schema} declares, or null for a free-text parameter. */
    private static String wrongValue(JsonNode schema) {
        if (schema.path("enum").isArray() && schema.path("enum").size() > 0) {
            return "no-such-value";
        }
        String format = schema.path("format").asText("");
        return switch (schema.path("type").asText("")) {
            case "integer", "number" -> "not-a-number";
            case "boolean" -> "maybe";
            case "string" -> switch (format) {
                case "uuid" -> "not-a-uuid";
                case "date-time", "date" -> "yesterday";
                default -> null;
            };
            default -> null;
        };
    }

    /**
     * {@code POST /graphql} of search-service: broken and hostile documents, wrong variable types, injection strings
     * as arguments, bad tokens. GraphQL answers a document it can run but whose fields or arguments are wrong with 200
     * and {@code errors}: those bodies are checked for leaks like every other (a Java class or a stack in a GraphQL
     * error is a finding).
     */
    private List<Probe> graphql(ServiceProcess search) {
        String module = search.module();
        String base = search.baseUrl();
        String operation = module + " POST /graphql";
        // bad: not a GraphQL request (not JSON, not an object, query not a string, variables not an object), not a
        // document, an operation the document does not hold, deeper or larger than the limits: the gate's 400
        List<String> bad = List.of(
                "{\"query\": \"{ labs { items { name }\"}",
                "{\"query\": 42}",
                "{\"query\": \"query($f: Int) { labs(first: $f) { items { name } } }\", \"variables\": [1, 2]}",
                "{\"query\": \"{ labs { items { name } } }\", \"operationName\": \"nope\"}",
                "{\"query\": \"" + "{ labs { items { nodes { items { lab { ".repeat(20) + "\"}",
                "{\"query\": \"{ " + "labs { nextCursor } ".repeat(3000) + "}\"}",
                "{", "[]", "null", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
        // odd: documents GraphQL itself answers with 200 and errors (unknown fields, wrong argument types or values,
        // a mutation or subscription the schema lacks; the GraphQL-over-HTTP convention for application/json), or
        // runs (injection strings as arguments): never a 5xx, and their errors are checked for leaks
        List<String> odd = List.of(
                "{\"query\": \"{ nosuchfield }\"}",
                "{\"query\": \"{ labs(first: \\\"many\\\") { items { name } } }\"}",
                "{\"query\": \"{ labs(first: -1) { items { name } } }\"}",
                "{\"query\": \"{ labs(first: 99999999999) { items { name } } }\"}",
                "{\"query\": \"{ lab(projectId: \\\"' OR '1'='1\\\") { name } }\"}",
                "{\"query\": \"{ nodes(projectId: \\\"../../etc/passwd\\\") { items { name } } }\"}",
                "{\"query\": \"{ search(q: \\\"${jndi:ldap://127.0.0.1:1/a}\\\", from: \\\"yesterday\\\") { total } }\"}",
                "{\"query\": \"{ search(q: \\\"\\\\u0000\\\", sort: \\\"'; DROP TABLE search_document; --\\\") { total } }\"}",
                "{\"query\": \"{ search(after: \\\"not-a-cursor\\\") { total } }\"}",
                "{\"query\": \"query($f: Int) { labs(first: $f) { items { name } } }\", \"variables\": {\"f\": \"ten\"}}",
                "{\"query\": \"mutation { deleteEverything }\"}",
                "{\"query\": \"subscription { labs }\"}",
                "{\"query\": \"{ labs(q: \\\"" + "z".repeat(200_000) + "\\\") { items { name } } }\"}");
        List<Probe> out = new ArrayList<>();
        for (String d : bad) {
            out.add(new Probe(module, base, "POST", "/graphql", "application/json", bytes(d), null,
                    "GraphQL " + abbreviate(d), operation, Category.BODY, true));
        }
        for (String d : odd) {
            out.add(new Probe(module, base, "POST", "/graphql", "application/json", bytes(d), null,
                    "GraphQL " + abbreviate(d), operation, Category.BODY, false));
        }
        out.add(new Probe(module, base, "POST", "/graphql", "text/plain", bytes("{ labs { items { name } } }"), null,
                "GraphQL as text/plain", operation, Category.CONTENT_TYPE, true));
        out.add(new Probe(module, base, "GET", "/graphql?query=" + URLEncoder.encode("{ labs { items { name } } }",
                StandardCharsets.UTF_8) + "&variables=%7Bnot-json", null, null, null, "GraphQL GET, broken variables",
                operation, Category.QUERY, true));
        for (String token : TOKENS) {
            out.add(new Probe(module, base, "POST", "/graphql", "application/json",
                    bytes("{\"query\": \"{ labs { items { name } } }\"}"), token,
                    token.isEmpty() ? "no token" : "token " + abbreviate(token), operation,
                    token.isEmpty() ? Category.NO_TOKEN : Category.BAD_TOKEN, true));
        }
        return out;
    }

    /**
     * The path with values its parameters accept (an enum pattern's first word, 1 for a number, else a fresh UUID),
     * so that the body, query and token probes reach the route itself rather than a 404 of the router.
     */
    private static String plain(String template, List<JsonNode> params) {
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode schema = params.stream().filter(p -> "path".equals(p.path("in").asText())
                    && m.group(1).equals(p.path("name").asText())).map(p -> p.path("schema")).findFirst().orElse(null);
            String pattern = schema == null ? "" : schema.path("pattern").asText("");
            String type = schema == null ? "" : schema.path("type").asText("");
            String value = !pattern.isEmpty() && pattern.matches("[A-Za-z_|-]+") ? pattern.split("\\|")[0]
                    : schema != null && schema.path("enum").isArray() && schema.path("enum").size() > 0
                    ? schema.path("enum").get(0).asText()
                    : "integer".equals(type) || "number".equals(type) ? "1" : UUID.randomUUID().toString();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String fill(String template, String value) {
        return template.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(value));
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        for (int i = 0; i < 5 && schema.has("$ref"); i++) {
            String ref = schema.get("$ref").asText();
            schema = doc.at(ref.substring(1));
        }
        if (schema.has("allOf") && schema.get("allOf").size() > 0) {
            return resolve(doc, schema.get("allOf").get(0));
        }
        return schema;
    }

    /**
     * The schema's object with every property of the wrong type: an object for a string (a number would be coerced to
     * one), a word for a number or boolean, an object for an array, an array for an object.
     */
    private static ObjectNode wrongTypes(JsonNode doc, JsonNode schema) {
        JsonNode props = schema.path("properties");
        if (!props.isObject() || props.isEmpty()) {
            return null;
        }
        ObjectNode out = JSON.createObjectNode();
        props.fields().forEachRemaining(e -> {
            JsonNode p = resolve(doc, e.getValue());
            switch (p.path("type").asText("object")) {
                case "string" -> out.putObject(e.getKey()).put("not", "a string");
                case "integer", "number" -> out.put(e.getKey(), "not-a-number");
                case "boolean" -> out.put(e.getKey(), "maybe");
                case "array" -> out.putObject(e.getKey()).put("not", "an array");
                default -> {
                    ArrayNode a = out.putArray(e.getKey());
                    a.add(1).add("two");
                }
            }
        });
        return out;
    }

    /** The schema's object with {@code value} in every string property (and in every other property too). */
    private static ObjectNode withStrings(JsonNode schema, String value) {
        JsonNode props = schema.path("properties");
        if (!props.isObject() || props.isEmpty()) {
            return null;
        }
        ObjectNode out = JSON.createObjectNode();
        props.fieldNames().forEachRemaining(name -> out.put(name, value));
        return out;
    }

    // ------------------------------------------------------------------ sending and checking

    private void send(Probe probe) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(probe.baseUrl() + probe.path()))
                .timeout(ANSWER_WITHIN)
                // a fresh documentation address per request: bans and buckets of the fuzz never close the suite
                .header("X-Forwarded-For", "198.18." + (addresses.get() / 250 % 250) + "." + (addresses.incrementAndGet() % 250 + 1))
                // JSON first, anything else the route makes (an archive, a page, a capture) next: an Accept of JSON
                // alone made routes that produce other types answer 406 before their own checks ran
                .header("Accept", "application/json, */*;q=0.1");
        if (probe.authorization() != null && !probe.authorization().isEmpty()) {
            b.header("Authorization", probe.authorization());
        }
        if (probe.contentType() != null) {
            b.header("Content-Type", probe.contentType());
        }
        b.method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        String label = probe.service() + " " + probe.method() + " " + abbreviate(probe.path()) + " [" + probe.what() + "]"
                + (probe.bad() ? " (bad)" : " (odd)");
        if (probe.authorization() == null) {
            b.header("Authorization", "Bearer " + ADMIN);
        }
        if (probe.bad()) {
            badProbes.incrementAndGet();
        }
        if (probe.category() == Category.HUGE) {
            sendHuge(probe, label);
            return;
        }
        long started = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            findings.add(label + ": no answer within " + ANSWER_WITHIN.toSeconds() + " s (hung)");
            requests.incrementAndGet();
            return;
        } catch (IOException e) {
            findings.add(label + ": no answer (" + e + ")");
            requests.incrementAndGet();
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        durations.add(Map.entry(tookMs, label + ": " + response.statusCode()));
        slow(label, tookMs);
        requests.incrementAndGet();
        byCategory.computeIfAbsent(probe.category(), k -> new java.util.concurrent.ConcurrentSkipListMap<>())
                .computeIfAbsent(response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
        if (probe.authorization() != null) {
            authAnswers.computeIfAbsent(probe.operation(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(Map.entry(probe, response.statusCode()));
        }
        if (response.statusCode() < 300 && !probe.bad()) {
            accepted.add(label + ": " + response.statusCode());
        }
        check(probe, label, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body() == null ? "" : response.body());
    }

    /**
     * A body over every JSON route's limit (11 MiB), announced by its Content-Length and not sent: the service must
     * refuse it from the headers alone (413 problem), without waiting for a byte of it. Over a plain socket: Java's
     * HttpClient would send the body (and a refusal in mid-upload ends as a connection reset, the answer lost), and
     * its {@code Expect: 100-continue} hung past its own timeout on JDK 17. A service that waits for the body instead
     * answers nothing within {@link #ANSWER_WITHIN}: a finding.
     */
    private void sendHuge(Probe probe, String label) {
        URI uri = URI.create(probe.baseUrl() + probe.path());
        long started = System.nanoTime();
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 30_000);
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            String head = probe.method() + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + ADMIN
                    + "\r\nX-Forwarded-For: 198.19." + (addresses.get() / 250 % 250) + "." + (addresses.incrementAndGet() % 250 + 1)
                    + "\r\nAccept: application/json, */*;q=0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + (11 * 1024 * 1024) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            String type = "";
            int length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                if (name.equals("content-type")) {
                    type = value;
                } else if (name.equals("content-length")) {
                    length = Integer.parseInt(value);
                }
            }
            byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            durations.add(Map.entry(tookMs, label + ": " + status));
            slow(label, tookMs);
            requests.incrementAndGet();
            byCategory.computeIfAbsent(probe.category(), k -> new java.util.concurrent.ConcurrentSkipListMap<>())
                    .computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            check(probe, label, status, type, new String(body, StandardCharsets.UTF_8));
        } catch (java.net.SocketTimeoutException e) {
            requests.incrementAndGet();
            findings.add(label + ": no answer within " + ANSWER_WITHIN.toSeconds() + " s to the headers alone (the "
                    + "service waits for a body it should refuse from its Content-Length)");
        } catch (IOException | RuntimeException e) {
            requests.incrementAndGet();
            findings.add(label + ": no readable answer (" + e + ")");
        }
    }

    private void slow(String label, long tookMs) {
        if (tookMs > SLOW.toMillis()) {
            findings.add(label + ": answered in " + tookMs + " ms (over " + SLOW.toSeconds() + " s)");
        }
    }

    /** One header line (CRLF cut), ISO-8859-1. */
    private static String line(java.io.DataInputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private void check(Probe probe, String label, int status, String type, String body) {
        statuses.computeIfAbsent(Integer.toString(status), k -> new AtomicInteger()).incrementAndGet();
        if (probe.bad() && (status < 400 || status >= 500)) {
            findings.add(label + ": a bad request answered " + status + " (a 4xx problem was due): " + abbreviate(body));
        } else if (probe.category() == Category.HUGE && status != 413) {
            findings.add(label + ": a body over the limit answered " + status + " (413 was due): " + abbreviate(body));
        } else if (status >= 500) {
            boolean upstream = (status == 502 || status == 503 || status == 504) && type.startsWith("application/problem+json")
                    && (body.contains("/problems/upstream") || UPSTREAM.matcher(detail(body)).find());
            if (!upstream) {
                findings.add(label + ": " + status + " " + abbreviate(body));
            }
        }
        if (status >= 400 && !type.startsWith("application/problem+json")) {
            findings.add(label + ": " + status + " answered as '" + type + "', not application/problem+json: " + abbreviate(body));
        }
        if (status >= 400 && type.startsWith("application/problem+json")) {
            try {
                JsonNode problem = JSON.readTree(body);
                if (problem.path("status").asInt() != status || problem.path("title").asText().isEmpty()) {
                    findings.add(label + ": a problem whose status or title is wrong: " + abbreviate(body));
                }
            } catch (IOException e) {
                findings.add(label + ": a problem+json body that is not JSON: " + abbreviate(body));
            }
        }
        Matcher leak = LEAK.matcher(body);
        if (leak.find()) {
            findings.add(label + ": " + status + " body shows '" + leak.group() + "': " + abbreviate(body));
        }
        if (body.contains(SECRET) || body.contains(ADMIN) || body.contains(VIEWER) || body.contains(OPERATOR) || TOKENS.stream()
                .filter(t -> !t.isEmpty()).anyMatch(t -> body.contains(t.substring(t.indexOf(' ') + 1)))) {
            findings.add(label + ": a secret (the GNS3 password or a token sent) is in the answer");
        }
    }

    /**
     * Authentication and roles, per operation: without a token or with a bad one (forged, alg none, garbage, Basic,
     * expired) every operation that is not public on purpose answers 401; a viewer's token never changes anything
     * (any answer below 400 to a viewer's change is a finding; 403 is the expected one, a 415 of a body type the
     * route does not take may come first).
     */
    private void checkAuthentication() {
        authAnswers.forEach((operation, answers) -> {
            boolean open = PUBLIC.contains(operation);
            for (Map.Entry<Probe, Integer> a : answers) {
                Probe p = a.getKey();
                int status = a.getValue();
                String label = operation + " [" + p.what() + "]";
                switch (p.category()) {
                    case NO_TOKEN, BAD_TOKEN -> {
                        if (!open && status != 401) {
                            findings.add(label + ": " + status + " where 401 was due");
                        }
                        if (open && p.category() == Category.NO_TOKEN && status >= 400) {
                            findings.add(label + ": a public operation answered " + status + " without a token");
                        }
                    }
                    case VIEWER -> {
                        if (!open && status < 400) {
                            findings.add(label + ": a viewer's change answered " + status);
                        }
                    }
                    case OPERATOR -> {
                        if (p.bad() && status < 400) {
                            findings.add(label + ": an operator's change on an admin's route answered " + status);
                        }
                    }
                    default -> {
                    }
                }
            }
        });
    }

    private static String detail(String body) {
        try {
            return JSON.readTree(body).path("detail").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private void checkLogs() throws IOException {
        Path logs = E2e.root().resolve("e2e-tests/target/e2e-logs");
        // the signatures: a token's header and claims are base64 of public facts, its signature is what must not leak
        List<String> secrets = new ArrayList<>(List.of(SECRET, FORGED_TOKEN, EXPIRED_TOKEN, signature(ADMIN),
                signature(VIEWER), signature(OPERATOR), signature(ISSUER_EXPIRED)));
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".log"))::iterator) {
                try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                    lines.filter(l -> secrets.stream().anyMatch(l::contains)).limit(3)
                            .forEach(l -> findings.add(log.getFileName() + " logs a secret: " + abbreviate(l)));
                }
            }
        }
    }

    private void report(int operations, int candidates, double seconds) throws IOException {
        StringBuilder r = new StringBuilder("# Fuzz run\n\n");
        r.append("- services: ").append(Suite.current().services().size()).append('\n');
        r.append("- operations (OpenAPI): ").append(operations).append('\n');
        r.append("- probes: a sample of ").append(PER_OPERATION).append(" per operation (seed ").append(SEED)
                .append(") of ").append(candidates).append(" generated, every category of each operation included; "
                        + "GraphQL's all; ").append(CLIENTS).append(" in flight\n");
        r.append("- mutating operations reserved for admins by their documents (an operator's token there is bad): ")
                .append(adminOnlyOperations.get()).append('\n');
        r.append("- requests: ").append(requests.get()).append(String.format(Locale.ROOT, " in %.1f s%n", seconds));
        r.append("- bad requests (a 4xx problem due): ").append(badProbes.get()).append(", odd: ")
                .append(requests.get() - badProbes.get()).append('\n');
        List<Map.Entry<Long, String>> timed = durations.stream().sorted(Map.Entry.comparingByKey()).toList();
        if (!timed.isEmpty()) {
            r.append(String.format(Locale.ROOT, "- answer times: median %d ms, "
                            + "p95 %d ms, p99 %d ms, max %d ms; over 5 s (findings): %d%n", at(timed, 0.5), at(timed, 0.95),
                    at(timed, 0.99), timed.get(timed.size() - 1).getKey(),
                    timed.stream().filter(t -> t.getKey() > 5000).count()));
            r.append("- slowest answers:\n");
            for (int i = timed.size() - 1; i >= Math.max(0, timed.size() - 5); i--) {
                r.append("  - ").append(timed.get(i).getKey()).append(" ms ").append(timed.get(i).getValue()).append('\n');
            }
        }
        r.append("- statuses: ").append(statuses).append('\n');
        for (Category c : Category.values()) {
            r.append("  - ").append(c.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(": ")
                    .append(byCategory.getOrDefault(c, Map.of())).append('\n');
        }
        r.append("- odd requests accepted (2xx): ").append(accepted.size()).append('\n');
        accepted.stream().sorted().forEach(a -> r.append("  - ").append(a).append('\n'));
        r.append("- findings: ").append(findings.size()).append("\n\n");
        findings.stream().sorted().forEach(f -> r.append("  - ").append(f).append('\n'));
        Path out = E2e.root().resolve("e2e-tests/target/fuzz-report.md");
        Files.writeString(out, r);
        System.out.println(r);
    }

    // ------------------------------------------------------------------ helpers

    private static long at(List<Map.Entry<Long, String>> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(quantile * sorted.size()))).getKey();
    }

    private String registerServerWithASecret() throws Exception {
        String gateway = Suite.current().service("gateway").baseUrl();
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("name", "fuzz-" + UUID.randomUUID().toString().substring(0, 8));
        server.put("url", "http://127.0.0.1:9/fuzz-" + UUID.randomUUID());
        server.put("username", "fuzz");
        server.put("password", SECRET);
        server.put("enabled", false);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/servers"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(server))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("register a disabled server with a password: %s", created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(SECRET);
        return JSON.readTree(created.body()).path("id").asText();
    }

    private void deleteServer(String id) throws Exception {
        String gateway = Suite.current().service("gateway").baseUrl();
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/servers/" + id))
                .header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (listed.body().contains(SECRET)) {
            findings.add("GET /api/v1/servers/{id} returns the server's password");
        }
        http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/servers/" + id)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static String signature(String jwt) {
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(s));
    }

    private static String jwt(String header, String payload) {
        return b64(header) + "." + b64(payload);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("[\\r\\n\\t]+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "... (" + one.length() + " chars)" : one;
    }
}
