package dev.labfleet.project.client;

import dev.labfleet.support.security.ServiceAuth;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.project.config.ProjectConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Project archives through the gateway, as byte streams: an export is piped to the client chunk by chunk, never
 * held in memory. (The REST client would buffer whole bodies.)
 */
@ApplicationScoped
public class GatewayStreams {

    private final HttpClient http;
    private final URI base;
    private final ProjectConfig config;
    private final ServiceAuth auth;

    public GatewayStreams(Vertx vertx, @ConfigProperty(name = "quarkus.rest-client.gateway.url") String gatewayUrl,
                          ProjectConfig config, ServiceAuth auth) {
        this.auth = auth;
        this.base = URI.create(gatewayUrl);
        this.config = config;
        // no connection idle timeout: it would cut a slow import or export while GNS3 works; each request has one
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
    }

    /** Opens the export; fails with the gateway's problem before any byte is sent when it refuses. */
    public Uni<HttpClientResponse> export(UUID serverId, UUID projectId, boolean includeSnapshots, boolean resetMac) {
        String path = "/api/v1/servers/" + serverId + "/projects/" + projectId + "/export?include_snapshots="
                + (includeSnapshots ? "yes" : "no") + "&reset_mac_addresses=" + (resetMac ? "yes" : "no");
        return auth.sign(options(HttpMethod.GET, path)).chain(signed -> http.request(signed))
                .chain(request -> request.send())
                .chain(response -> response.statusCode() == 200 ? Uni.createFrom().item(response)
                        : response.body().<HttpClientResponse>map(body -> {
                            throw GatewayClient.fromGateway("export project", response.statusCode(), body.toString(),
                                    response.getHeader("Retry-After"));
                        }))
                .ifNoItem().after(config.gateway().transferTimeout())
                .failWith(() -> ProblemException.timeout("export project: the gateway did not answer in time"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        "export project", "the gateway", e));
    }

    /**
     * Imports an archive as project {@code projectId} on a server, streaming it to the gateway as the client sends
     * it; answers GNS3's project. The gateway's refusal (a 413 for an archive too large for it...) keeps its status.
     */
    public Uni<JsonNode> importArchive(UUID serverId, UUID projectId, String name, ArchiveUpload archive) {
        String path = "/api/v1/servers/" + serverId + "/projects/" + projectId + "/import?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return auth.sign(options(HttpMethod.POST, path).putHeader("content-type", "application/octet-stream"))
                .chain(signed -> http.request(signed))
                .chain(request -> Uni.createFrom().completionStage(() -> archive.sendTo(request.getDelegate())
                        .toCompletionStage()))
                .chain(response -> Uni.createFrom().completionStage(() -> response.body().toCompletionStage())
                        .map(body -> {
                            if (response.statusCode() >= 300) {
                                throw GatewayClient.fromGateway("import project", response.statusCode(),
                                        body.toString(), response.getHeader("Retry-After"));
                            }
                            try {
                                return CloudEventCodec.mapper().readTree(body.getBytes());
                            } catch (IOException e) {
                                throw ProblemException.upstream("import project: the gateway's answer is not JSON");
                            }
                        }))
                .ifNoItem().after(config.gateway().transferTimeout())
                .failWith(() -> ProblemException.timeout("import project: the gateway did not answer in time"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        "import project", "the gateway", e));
    }

    /**
     * Copies a project from one server to another under the same id: the source's export is written into the
     * target's import as it arrives (backpressure both ways, never held whole). Answers the target's GNS3 project.
     */
    public Uni<JsonNode> transfer(UUID sourceServerId, UUID targetServerId, UUID projectId, String name,
                                  boolean includeSnapshots) {
        String path = "/api/v1/servers/" + targetServerId + "/projects/" + projectId + "/import?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return export(sourceServerId, projectId, includeSnapshots, false).chain(exported -> {
            io.vertx.core.http.HttpClientResponse in = exported.getDelegate();
            in.pause();
            // signed like every other call to the gateway (a move runs as the suite's service account): unsigned,
            // the gateway refused the import with a 401 and every move and evacuation rolled back
            return auth.sign(options(HttpMethod.POST, path).putHeader("content-type", "application/octet-stream"))
                    .chain(signed -> http.request(signed))
                    .chain(request -> {
                        io.vertx.core.http.HttpClientRequest out = request.getDelegate();
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
                    })
                    .chain(response -> Uni.createFrom().completionStage(() -> response.body().toCompletionStage())
                            .map(body -> {
                                if (response.statusCode() >= 300) {
                                    throw GatewayClient.fromGateway("import project", response.statusCode(),
                                            body.toString(), response.getHeader("Retry-After"));
                                }
                                try {
                                    return CloudEventCodec.mapper().readTree(body.getBytes());
                                } catch (IOException e) {
                                    throw ProblemException.upstream("import project: the gateway's answer is not JSON");
                                }
                            }));
        }).ifNoItem().after(config.gateway().transferTimeout())
                .failWith(() -> ProblemException.timeout("move project: the transfer did not finish in time"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        "move project", "the gateway", e));
    }

    private RequestOptions options(HttpMethod method, String path) {
        return new RequestOptions().setMethod(method).setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : 80).setURI(path)
                // an export may pause while GNS3 zips; a stalled one ends after the transfer timeout of silence
                .setIdleTimeout(config.gateway().transferTimeout().toMillis());
    }
}
