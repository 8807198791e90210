package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.AutoSwitchState;
import dev.labfleet.monitoring.domain.Selection;
import dev.labfleet.monitoring.traffic.CaptureManager;
import dev.labfleet.monitoring.traffic.TrafficHistory;
import dev.labfleet.monitoring.traffic.TrafficSampler;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The leader's second: renew the lease, read the selections and the auto-switch state, plan captures (every
 * {@code capture.interval}), sample traffic, move the active lab, then whatever else watches the samples
 * (detectors). A replica that is not the leader only stops reading captures (it never stops them: the new leader
 * adopts them).
 */
@ApplicationScoped
public class LeaderLoop {

    private static final Logger LOG = Logger.getLogger(LeaderLoop.class);

    /** Something else the leader does each second with the samples (anomaly detection...). */
    public interface Step {
        Uni<Void> run(List<TrafficViews.LabSample> samples);
    }

    private final Leadership leadership;
    private final CaptureManager captures;
    private final TrafficSampler sampler;
    private final TrafficHistory history;
    private final AutoSwitcher switcher;
    private final MonitoringConfig config;
    private final List<Step> steps = new CopyOnWriteArrayList<>();
    private long lastPlan;
    /**
     * Set at shutdown, while the container still runs: no tick starts and a tick caught mid-way goes no further (its
     * next stage would call beans, Panache or the pool after the container stopped: "ArC container not
     * initialized"), nor starts captures behind the shutdown's {@code stopAll}.
     */
    private volatile boolean stopping;

    public LeaderLoop(Leadership leadership, CaptureManager captures, TrafficSampler sampler, TrafficHistory history,
                      AutoSwitcher switcher, MonitoringConfig config) {
        this.leadership = leadership;
        this.captures = captures;
        this.sampler = sampler;
        this.history = history;
        this.switcher = switcher;
        this.config = config;
    }

    public void add(Step step) {
        steps.add(step);
    }

    @Scheduled(every = "${labfleet.monitoring.tick:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return leadership.renew().chain(leader -> unlessStopping(() -> {
            if (!leader) {
                return captures.readerCount() == 0 ? Uni.createFrom().voidItem() : captures.stopAll(false);
            }
            return Panache.withSession(() -> Selection.<Selection>listAll()
                            .chain(sel -> AutoSwitchState.<AutoSwitchState>findById(AutoSwitchState.ID)
                                    .map(state -> new Object[]{sel, state})))
                    .chain(loaded -> unlessStopping(() -> lead((List<Selection>) loaded[0],
                            (AutoSwitchState) loaded[1])));
        }))
                // a step that never answers must not stall the leader: the next tick starts over
                .ifNoItem().after(Duration.ofSeconds(15)).failWith(() -> new IllegalStateException("leader tick took over 15 s"))
                .onFailure().invoke(e -> {
                    if (!stopping) { // the pool and clients closing under a tick caught by the shutdown
                        LOG.warnf("leader tick failed: %s", e.toString());
                    }
                })
                .onFailure().recoverWithNull();
    }

    /** The tick's next stage, unless the application is stopping. */
    private Uni<Void> unlessStopping(Supplier<Uni<Void>> next) {
        return stopping ? Uni.createFrom().voidItem() : next.get();
    }

    private Uni<Void> lead(List<Selection> selections, AutoSwitchState found) {
        if (found == null) {
            AutoSwitchState fresh = new AutoSwitchState();
            fresh.id = AutoSwitchState.ID;
            fresh.enabled = config.autoSwitch().enabled();
            return Panache.withTransaction(fresh::persist).replaceWithVoid()
                    .onFailure().recoverWithNull(); // another replica made it first: next tick
        }
        AutoSwitchState state = found;
        UUID active = state == null ? null : state.activeProjectId;
        List<CaptureManager.Watched> watched = new ArrayList<>();
        List<AutoSwitcher.Selected> selected = new ArrayList<>();
        List<UUID> labs = new ArrayList<>();
        for (Selection s : selections) {
            watched.add(new CaptureManager.Watched(s.projectId, s.priority, s.projectId.equals(active)));
            selected.add(new AutoSwitcher.Selected(s.projectId, s.priority));
            labs.add(s.projectId);
        }
        long now = System.currentTimeMillis();
        Uni<Void> plan = Uni.createFrom().voidItem();
        if (now - lastPlan >= config.capture().interval().toMillis()) {
            lastPlan = now;
            plan = captures.plan(watched);
        }
        return plan.chain(() -> unlessStopping(() -> {
            List<TrafficViews.LabSample> samples = sampler.sample(labs);
            Uni<Void> recorded = Multi.createFrom().iterable(samples).onItem().transformToUni(history::record)
                    .merge(4).collect().asList().replaceWithVoid();
            return recorded.chain(() -> unlessStopping(() -> switcher.evaluate(state, selected, sampler.status())))
                    .chain(() -> Multi.createFrom().iterable(steps).onItem().transformToUni(s -> unlessStopping(
                                    () -> s.run(samples))
                            .onFailure().invoke(e -> LOG.debugf("leader step failed: %s", e.toString()))
                            .onFailure().recoverWithNull()).concatenate().collect().asList().replaceWithVoid());
        }));
    }

    /** Stops the captures this replica started and gives up the lease, so another replica leads at once. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            VertxContextSupport.subscribeAndAwait(() -> captures.stopAll(true).chain(leadership::release)
                    .ifNoItem().after(Duration.ofSeconds(10)).recoverWithItem(() -> null));
        } catch (Throwable e) {
            LOG.debugf("captures not all stopped at shutdown: %s", e.getMessage());
        }
    }
}
