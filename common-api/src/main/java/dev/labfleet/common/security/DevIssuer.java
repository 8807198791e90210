package dev.labfleet.common.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The built-in development issuer: for a machine without an identity provider, an OpenID Connect issuer small enough
 * to need nothing but the JDK. It keeps RSA keys in a directory (the state directory under {@code ./labfleet up}),
 * serves its discovery document and JWKS over HTTP, issues client-credentials tokens to the suite's service account,
 * and prints user tokens for {@code ./labfleet token}. Services verify its tokens with quarkus-oidc against the JWKS
 * exactly as they verify a Keycloak realm's: nothing in a service knows this class.
 *
 * <p>Keys: {@code keys/<kid>.pem} (PKCS#8, mode 600); the newest signs, every key in the directory is published, so
 * {@link #rotate} adds a key that signs from then on while tokens signed by the previous one stay valid until it is
 * retired ({@code --keep}). The environment can hold the signing key instead of a file ({@code LABFLEET_ISSUER_KEY},
 * PEM, e.g. from a Kubernetes Secret). The service account's client secret is {@code client-secret} in the directory
 * or {@code LABFLEET_ISSUER_CLIENT_SECRET}.
 *
 * <pre>
 * java -cp common-api.jar dev.labfleet.common.security.DevIssuer serve  --dir D [--host 127.0.0.1] [--port 8090] [--issuer URL]
 * java -cp common-api.jar dev.labfleet.common.security.DevIssuer token  --dir D --user alice --role operator [--group ccna] [--ttl 8h]
 * java -cp common-api.jar dev.labfleet.common.security.DevIssuer rotate --dir D [--keep 2]
 * </pre>
 */
public final class DevIssuer implements AutoCloseable {

    /** The service account's client id (the suite's own actions run as this principal). */
    public static final String SERVICE_CLIENT_ID = "labfleet-suite";
    public static final int DEFAULT_PORT = 8090;
    private static final Duration SERVICE_TOKEN_TTL = Duration.ofMinutes(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String issuer;
    private final HttpServer server;

    private DevIssuer(Path dir, String issuer, HttpServer server) {
        this.dir = dir;
        this.issuer = issuer;
        this.server = server;
    }

    /** Starts an issuer on 127.0.0.1:{@code port} (0: any free port) with its keys in {@code dir}. */
    public static DevIssuer start(Path dir, int port, String issuerUrl) throws IOException {
        return start(dir, "127.0.0.1", port, issuerUrl);
    }

    /**
     * Starts an issuer listening on {@code host} (0.0.0.0 in a container, where the services reach it by its
     * service name; {@code issuerUrl} is then that name's URL, as tokens carry it in {@code iss}).
     */
    public static DevIssuer start(Path dir, String host, int port, String issuerUrl) throws IOException {
        ensureKeys(dir);
        clientSecret(dir);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        String issuer = issuerUrl != null ? issuerUrl : "http://127.0.0.1:" + server.getAddress().getPort();
        DevIssuer dev = new DevIssuer(dir, issuer, server);
        server.createContext("/.well-known/openid-configuration", dev::discovery);
        server.createContext("/jwks", dev::jwks);
        server.createContext("/token", dev::token);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dev-issuer");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return dev;
    }

    public String issuer() {
        return issuer;
    }

    public Path dir() {
        return dir;
    }

    /** A signed token for a user, as {@code ./labfleet token} prints it. */
    public String token(String user, List<String> roles, List<String> groups, Duration ttl) {
        return sign(dir, issuer, user, user, roles, groups, ttl, null);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void discovery(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        send(exchange, 200, "{\"issuer\":" + str(issuer) + ",\"jwks_uri\":" + str(issuer + "/jwks")
                + ",\"token_endpoint\":" + str(issuer + "/token")
                + ",\"grant_types_supported\":[\"client_credentials\"],\"response_types_supported\":[\"token\"]"
                + ",\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]"
                + ",\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"]}");
    }

    private void jwks(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        // read on every request: a key added by `rotate` is published without restarting the issuer
        send(exchange, 200, jwks(dir));
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(8192);
            form = form(new String(body, StandardCharsets.UTF_8));
        }
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        if (!SERVICE_CLIENT_ID.equals(clientId) || secret == null
                || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                clientSecret(dir).getBytes(StandardCharsets.UTF_8))) {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = sign(dir, issuer, "service-account-" + SERVICE_CLIENT_ID, "service:" + SERVICE_CLIENT_ID,
                List.of(Roles.ADMIN), List.of(), SERVICE_TOKEN_TTL, null);
        send(exchange, 200, "{\"access_token\":" + str(token) + ",\"token_type\":\"Bearer\",\"expires_in\":"
                + SERVICE_TOKEN_TTL.toSeconds() + "}");
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    // ------------------------------------------------------------------------------------------------ keys

    private record Key(String kid, RSAPrivateCrtKey key, Instant created) { }

    /** Creates the first key when the directory has none (and no key comes from the environment). */
    public static void ensureKeys(Path dir) throws IOException {
        if (System.getenv("LABFLEET_ISSUER_KEY") != null) {
            return;
        }
        Path keys = dir.resolve("keys");
        Files.createDirectories(keys);
        try (Stream<Path> files = Files.list(keys)) {
            if (files.anyMatch(p -> p.toString().endsWith(".pem"))) {
                return;
            }
        }
        rotate(dir, Integer.MAX_VALUE);
    }

    /**
     * Adds a new signing key; keeps the newest {@code keep} keys (the new one included) and deletes the others, whose
     * tokens then stop verifying. Returns the new key's id.
     */
    public static String rotate(Path dir, int keep) throws IOException {
        Path keys = dir.resolve("keys");
        Files.createDirectories(keys);
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available in this JDK", e);
        }
        String kid = "dev-" + Instant.now().getEpochSecond() + "-" + Long.toHexString(RANDOM.nextLong() & 0xffffffL);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        writePrivate(keys.resolve(kid + ".pem"), pem);
        List<Key> all = keys(dir);
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(keys.resolve(all.get(i).kid() + ".pem"));
        }
        return kid;
    }

    /** Every key, newest first. */
    private static List<Key> keys(Path dir) {
        List<Key> keys = new ArrayList<>();
        String env = System.getenv("LABFLEET_ISSUER_KEY");
        if (env != null && !env.isBlank()) {
            RSAPrivateCrtKey key = parse(env);
            keys.add(new Key(System.getenv().getOrDefault("LABFLEET_ISSUER_KEY_ID", thumbprint(key)), key,
                    Instant.MAX));
        }
        Path folder = dir.resolve("keys");
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pem"))::iterator) {
                    String name = p.getFileName().toString();
                    keys.add(new Key(name.substring(0, name.length() - 4), parse(Files.readString(p)),
                            Files.getLastModifiedTime(p).toInstant()));
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the issuer keys in " + folder + ": " + e.getMessage(), e);
            }
        }
        keys.sort(Comparator.comparing(Key::created).thenComparing(Key::kid).reversed());
        if (keys.isEmpty()) {
            throw new IllegalStateException("no issuer key in " + folder + " nor in LABFLEET_ISSUER_KEY");
        }
        return keys;
    }

    private static RSAPrivateCrtKey parse(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("the issuer key is not an RSA private key in PKCS#8 PEM", e);
        }
    }

    private static String thumbprint(RSAPrivateCrtKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getModulus().toByteArray());
            return "env-" + b64(digest).substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWKS document: the public half of every key. */
    public static String jwks(Path dir) {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        boolean first = true;
        for (Key k : keys(dir)) {
            json.append(first ? "" : ",").append("{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":")
                    .append(str(k.kid())).append(",\"n\":").append(str(b64(unsigned(k.key().getModulus()))))
                    .append(",\"e\":").append(str(b64(unsigned(k.key().getPublicExponent())))).append('}');
            first = false;
        }
        return json.append("]}").toString();
    }

    /** The service account's client secret, created (random, mode 600) when missing. */
    public static String clientSecret(Path dir) throws IOException {
        String env = System.getenv("LABFLEET_ISSUER_CLIENT_SECRET");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path file = dir.resolve("client-secret");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            writePrivate(file, b64(secret) + "\n");
        }
        return Files.readString(file).trim();
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".new-", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions protect it
        }
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------------------------------------ tokens

    /** A JWS (RS256) signed with the newest key. */
    public static String sign(Path dir, String issuer, String subject, String username, List<String> roles,
                              List<String> groups, Duration ttl, String audience) {
        Key key = keys(dir).get(0);
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("preferred_username", username);
        if (audience != null) {
            claims.put("aud", audience);
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("roles", roles);
        claims.put("groups", groups);
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":" + str(key.kid()) + "}";
        String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(json(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign((PrivateKey) key.key());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with key " + key.kid(), e);
        }
    }

    /** The key that signs now: its id and private key (tests sign their own tokens with it). */
    public record SigningKey(String kid, PrivateKey privateKey, java.security.PublicKey publicKey) { }

    public static SigningKey signingKey(Path dir) {
        Key key = keys(dir).get(0);
        try {
            return new SigningKey(key.kid(), key.key(), KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.key().getModulus(), key.key().getPublicExponent())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Map<String, Object> claims) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            json.append(json.length() > 1 ? "," : "").append(str(e.getKey())).append(':');
            Object v = e.getValue();
            if (v instanceof Number) {
                json.append(v);
            } else if (v instanceof List<?> list) {
                json.append('[');
                for (int i = 0; i < list.size(); i++) {
                    json.append(i > 0 ? "," : "").append(str(String.valueOf(list.get(i))));
                }
                json.append(']');
            } else {
                json.append(str(String.valueOf(v)));
            }
        }
        return json.append('}').toString();
    }

    private static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code 8h}, {@code 30m}, {@code 90s}, {@code 2d}. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.matches("[0-9]{1,6}[smhd]")) {
            throw new IllegalArgumentException("--ttl takes a number and a unit (s, m, h, d), e.g. 8h; not '" + text + "'");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    // ------------------------------------------------------------------------------------------------ command line

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a command: serve, token or rotate");
        }
        Map<String, List<String>> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("options come as --name value pairs; '" + args[i] + "' has no value");
            }
            opts.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        Path dir = Path.of(one(opts, "dir", null));
        int port = Integer.parseInt(one(opts, "port", String.valueOf(DEFAULT_PORT)));
        String issuer = one(opts, "issuer", "http://127.0.0.1:" + port);
        switch (args[0]) {
            case "serve" -> {
                DevIssuer dev = start(dir, one(opts, "host", "127.0.0.1"), port, issuer);
                System.out.println("dev issuer " + dev.issuer() + " (keys in " + dir.resolve("keys") + ")");
                Runtime.getRuntime().addShutdownHook(new Thread(dev::close));
                Thread.currentThread().join();
            }
            case "token" -> {
                String user = one(opts, "user", null);
                List<String> roles = opts.getOrDefault("role", List.of(Roles.VIEWER));
                for (String role : roles) {
                    if (!Roles.ALL.contains(role)) {
                        usage("--role is one of " + Roles.ALL + ", not '" + role + "'");
                    }
                }
                ensureKeys(dir);
                System.out.println(sign(dir, issuer, user, user, roles, opts.getOrDefault("group", List.of()),
                        duration(one(opts, "ttl", "8h")), one(opts, "aud", null)));
            }
            case "rotate" -> System.out.println(rotate(dir, Integer.parseInt(one(opts, "keep", "2"))));
            case "jwks" -> System.out.println(jwks(dir));
            default -> usage("a command: serve, token, rotate or jwks; not '" + args[0] + "'");
        }
    }

    private static String one(Map<String, List<String>> opts, String name, String fallback) {
        List<String> values = opts.get(name);
        if (values == null || values.isEmpty()) {
            if (fallback == null && !"aud".equals(name)) {
                usage("--" + name + " is required");
            }
            return fallback;
        }
        return values.get(values.size() - 1);
    }

    private static void usage(String problem) {
        System.err.println("dev issuer: " + problem);
        System.exit(2);
    }
}
