package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.AutoSwitchState;
import dev.labfleet.monitoring.domain.LabSwitch;
import dev.labfleet.monitoring.messaging.MonitoringEvents;
import dev.labfleet.monitoring.traffic.TrafficSampler;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The active lab follows the traffic (leader, every second), with hysteresis so it never flaps:
 * <ul>
 *     <li>a candidate must have carried traffic for {@code auto-switch.active-for} without a break;</li>
 *     <li>it takes over when there is no active lab, when the active lab has been idle for
 *     {@code auto-switch.idle-for}, or when it has a higher priority than the active lab and the last switch is
 *     older than {@code auto-switch.min-dwell};</li>
 *     <li>among candidates the highest priority wins, then the higher rate.</li>
 * </ul>
 * Each switch is recorded with its reason and published on {@code lab.monitoring} in the same transaction.
 */
@ApplicationScoped
public class AutoSwitcher {

    private static final Logger LOG = Logger.getLogger(AutoSwitcher.class);

    /** A selected lab and its priority. */
    public record Selected(UUID projectId, int priority) {
    }

    /** A decision: switch to {@code to}, and why. */
    public record Decision(UUID to, String reason) {
    }

    private final MonitoringConfig config;
    private final MonitoringEvents events;

    public AutoSwitcher(MonitoringConfig config, MonitoringEvents events) {
        this.config = config;
        this.events = events;
    }

    /** The rule alone (pure: unit-tested). Null when the active lab stays. */
    public static Decision decide(Instant now, UUID active, Instant lastSwitch, List<Selected> selected,
                                  Map<String, TrafficSampler.LabStatus> status, Duration activeFor, Duration idleFor,
                                  Duration minDwell) {
        Selected best = selected.stream()
                .filter(s -> {
                    TrafficSampler.LabStatus st = status.get(s.projectId().toString());
                    return st != null && st.traffic() && !st.since().plus(activeFor).isAfter(now);
                })
                .max(Comparator.comparingInt(Selected::priority)
                        .thenComparingDouble(s -> status.get(s.projectId().toString()).pps()))
                .orElse(null);
        if (best == null || best.projectId().equals(active)) {
            return null;
        }
        Selected current = selected.stream().filter(s -> s.projectId().equals(active)).findFirst().orElse(null);
        String name = best.projectId().toString();
        double pps = status.get(name).pps();
        if (current == null) {
            return new Decision(best.projectId(), String.format(java.util.Locale.ROOT,
                    "no active lab; %s carries traffic (%.1f pps)", name, pps));
        }
        TrafficSampler.LabStatus cur = status.get(current.projectId().toString());
        boolean idle = cur == null || !cur.traffic();
        Instant idleSince = cur == null ? lastSwitch : cur.since();
        if (idle && idleSince != null && !idleSince.plus(idleFor).isAfter(now)) {
            return new Decision(best.projectId(), String.format(java.util.Locale.ROOT,
                    "active lab idle for %d s; %s carries traffic (%.1f pps)",
                    Duration.between(idleSince, now).toSeconds(), name, pps));
        }
        if (best.priority() > current.priority()
                && (lastSwitch == null || !lastSwitch.plus(minDwell).isAfter(now))) {
            return new Decision(best.projectId(), String.format(java.util.Locale.ROOT,
                    "%s (priority %d) carries traffic (%.1f pps), above the active lab's priority %d", name,
                    best.priority(), pps, current.priority()));
        }
        return null;
    }

    /** Evaluates and, when the rule says so, switches (recorded and published in one transaction). */
    public Uni<Void> evaluate(AutoSwitchState state, List<Selected> selected, Map<String, TrafficSampler.LabStatus> status) {
        if (state == null || !state.enabled) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        Decision d = decide(now, state.activeProjectId, state.since == null ? null : state.since.toInstant(), selected,
                status, config.autoSwitch().activeFor(), config.autoSwitch().idleFor(), config.autoSwitch().minDwell());
        if (d == null) {
            return Uni.createFrom().voidItem();
        }
        UUID from = state.activeProjectId;
        return Panache.withTransaction(() -> AutoSwitchState.<AutoSwitchState>findById(AutoSwitchState.ID)
                .chain(s -> {
                    if (s == null || !s.enabled || !Objects.equals(s.activeProjectId, from)) {
                        return Uni.createFrom().voidItem(); // changed meanwhile
                    }
                    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
                    s.activeProjectId = d.to();
                    s.since = at;
                    LabSwitch record = new LabSwitch();
                    record.id = UUID.randomUUID();
                    record.at = at;
                    record.fromProjectId = from;
                    record.toProjectId = d.to();
                    record.reason = d.reason();
                    return record.persist().chain(() -> events.append(MonitoringEvents.ACTIVE_LAB_SWITCHED,
                            d.to().toString(), SwitchView.of(record)));
                }))
                .invoke(() -> LOG.infof("active lab -> %s: %s", d.to(), d.reason()));
    }

    /** A switch as the API and events show it. */
    public record SwitchView(UUID id, OffsetDateTime at, UUID fromProjectId, UUID toProjectId, String reason) {
        public static SwitchView of(LabSwitch s) {
            return new SwitchView(s.id, s.at, s.fromProjectId, s.toProjectId, s.reason);
        }
    }
}
