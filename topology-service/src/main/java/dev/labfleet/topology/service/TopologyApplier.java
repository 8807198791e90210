package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.plan.TopologyPlanner;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Applies a spec to a lab: validates it (400 with every problem, nothing applied), plans it against the live lab
 * read fresh from GNS3, then makes the plan's changes through the gateway in batches ({@link ApplyExecution}): link
 * deletes, node deletes, creates of template-made nodes (GNS3 picks their ids), then the rest pipelined in one batch,
 * up to {@code labfleet.topology.apply.concurrency} calls at once and never two at once on one node. A change that
 * fails does not stop the others; a link whose node could not be made is reported skipped. Every result is reported,
 * the spec is recorded as the lab's desired state (for drift) and a {@code lab.topology.applied} event leaves
 * through the outbox with the record ({@link ApplyRecorder}).
 *
 * <p>This class only sequences an apply: the lab's lock ({@link ApplyLocks}), the background run ({@link ApplyRuns}),
 * the calls ({@link ApplyExecution}), the record and event ({@link ApplyRecorder}, {@link ApplyEventPayload}) and the
 * metrics ({@link ApplyMetrics}) are each their own class.
 *
 * <p>Idempotent: nodes and links are created with stable ids derived from the project and their names, so a retry
 * or a re-apply after a partial failure creates only what is missing, and a lab that already is as the spec says
 * costs two GNS3 reads and no write.
 */
@ApplicationScoped
public class TopologyApplier {

    private static final Logger LOG = Logger.getLogger(TopologyApplier.class);

    private final LabClient labs;
    private final GatewayClient gateway;
    private final TemplateCatalogueService templates;
    private final TopologyConfig config;
    private final ApplyLocks locks;
    private final ApplyRuns runs;
    private final ApplyRecorder recorder;
    private final ApplyMetrics metrics;

    public TopologyApplier(LabClient labs, GatewayClient gateway, TemplateCatalogueService templates,
                           TopologyConfig config, ApplyLocks locks, ApplyRuns runs, ApplyRecorder recorder,
                           ApplyMetrics metrics) {
        this.labs = labs;
        this.gateway = gateway;
        this.templates = templates;
        this.config = config;
        this.locks = locks;
        this.runs = runs;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    /** An accepted apply: its operation as accepted (running), and its outcome when the background run ends. */
    public record Started(ApplyState accepted, CompletableFuture<ApplyState> finished) {
    }

    /**
     * Checks the spec and the lab, takes the lab's apply lock, records the apply as a running operation and runs it
     * in the background ({@link ApplyRuns}): the caller may answer at once (202) or wait for {@link Started#finished()}.
     *
     * @param user who applies (recorded with the spec), or null
     * @throws ProblemException 400 for an invalid spec, 404 for an unknown lab, 409 while another apply of the
     *                          same lab runs, 502/503/504 when the lab cannot be read
     */
    public Uni<Started> begin(UUID projectId, String specText, String mediaType, String user) {
        long received = System.nanoTime();
        TopologySpec spec = SpecCodec.parse(specText, SpecCodec.Format.ofMediaType(mediaType));
        // the catalogue and the lab are looked up at once; an invalid spec is still reported before an unknown lab
        Uni<Lookup> lab = labs.project(projectId).map(p -> new Lookup(p, null))
                .onFailure().recoverWithItem(e -> new Lookup(null, e));
        return Uni.combine().all().unis(templates.catalogue(), lab).asTuple().chain(both -> {
            TemplateCatalogue catalogue = both.getItem1();
            ResolvedTopology resolved = new SpecResolver(catalogue).resolveOrThrow(spec);
            return both.getItem2().get().chain(project -> {
                UUID serverId = UUID.fromString(project.path("serverId").asText());
                String status = project.path("status").asText("");
                if (status.equalsIgnoreCase("closed") || status.equalsIgnoreCase("missing")) {
                    // GNS3 refuses every write to a closed project: say so once instead of failing each object
                    return Uni.createFrom().failure(ProblemException.conflict("lab " + projectId + " is " + status
                            + (status.equalsIgnoreCase("closed") ? ": open it (POST /api/v1/projects/" + projectId
                            + "/open) before applying a spec" : " on its GNS3 server")));
                }
                UUID applyId = UUID.randomUUID();
                String owner = locks.owner(applyId);
                return locks.take(projectId, owner).chain(locked -> {
                    if (!locked) {
                        return Uni.createFrom().failure(ProblemException.conflict(
                                "another apply of lab " + projectId + " is running; apply again when it has ended"));
                    }
                    Uni<Void> release = locks.release(projectId, owner);
                    return recorder.start(applyId, projectId, user, owner)
                            .onFailure().call(() -> release)
                            .map(accepted -> new Started(accepted,
                                    runs.launch(applyId, projectId, owner, () -> run(applyId, owner, projectId,
                                                    serverId, spec, resolved, user, received)
                                            // the lab changed (or may have, if the apply failed half-way): cached
                                            // reads are stale; both are done at once
                                            .onFailure().call(e -> recorder.fail(applyId, owner, e))
                                            .eventually(() -> release))));
                });
            });
        });
    }

    /** One apply as recorded, for any replica to report. */
    public Uni<ApplyState> operation(UUID projectId, UUID applyId) {
        return recorder.operation(projectId, applyId);
    }

    /** The lab lookup's answer or failure, held until the spec has been checked. */
    private record Lookup(JsonNode project, Throwable failure) {
        Uni<JsonNode> get() {
            return failure == null ? Uni.createFrom().item(project) : Uni.createFrom().failure(failure);
        }
    }

    private Uni<ApplyState> run(UUID applyId, String owner, UUID projectId, UUID serverId, TopologySpec spec,
                                ResolvedTopology resolved, String user, long received) {
        OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
        long start = System.nanoTime();
        // where the time went, for the log: checks (parse, catalogue, lab lookup, lock), reading the live lab,
        // planning, the GNS3 calls, recording the outcome
        long[] at = new long[3];
        return Uni.combine().all().unis(labs.nodes(serverId, projectId), labs.links(serverId, projectId)).asTuple()
                .invoke(() -> at[0] = System.nanoTime())
                .map(t -> TopologyPlanner.plan(projectId, resolved, LabTopologyService.toLive(t.getItem1(), t.getItem2())))
                .invoke(() -> at[1] = System.nanoTime())
                .chain(plan -> new ApplyExecution(gateway, config, projectId, serverId, plan, () -> runs.held(applyId))
                        .run().map(results -> {
                            at[2] = System.nanoTime();
                            long millis = (at[2] - start) / 1_000_000;
                            return ApplyReport.of(projectId, serverId, plan, results, startedAt, millis);
                        }))
                .chain(report -> recorder.finish(applyId, owner, report, spec, user)
                        .invoke(() -> metrics.record(report))
                        .invoke(() -> LOG.infof("applied spec to lab %s: %s, %d done, %d failed, %d skipped in %d ms "
                                        + "(checks %d, read %d, plan %d, GNS3 calls %d, record %d)",
                                projectId, report.status(), report.done(), report.failed(), report.skipped(),
                                report.durationMs(), ms(start - received), ms(at[0] - start), ms(at[1] - at[0]),
                                ms(at[2] - at[1]), ms(System.nanoTime() - at[2]))));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
