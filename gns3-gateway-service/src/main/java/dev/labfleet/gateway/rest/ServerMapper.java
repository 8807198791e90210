package dev.labfleet.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.gns3.ComputeView;
import dev.labfleet.common.gns3.CreateServerRequest;
import dev.labfleet.common.gns3.ServerDrainView;
import dev.labfleet.common.gns3.ServerHealthView;
import dev.labfleet.common.gns3.ServerTestResult;
import dev.labfleet.common.gns3.ServerTimeouts;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.gns3.UpdateServerRequest;
import dev.labfleet.gateway.service.ConnectionTest;
import dev.labfleet.gateway.service.DrainState;
import dev.labfleet.gateway.service.RegisteredServer;
import dev.labfleet.gateway.service.ServerHealth;
import dev.labfleet.gateway.service.ServerSettings;

import java.util.List;

/** Maps the server registry's API records (common-api) to and from the service layer's records. */
final class ServerMapper {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ServerMapper() {
    }

    static ServerSettings settings(CreateServerRequest r) {
        return new ServerSettings(r.name(), r.url(), r.username(), r.password(), r.verifyTls(), timeouts(r.timeouts()),
                r.maxConcurrent(), r.capacityWeight(), r.labels(), r.enabled());
    }

    static ServerSettings settings(UpdateServerRequest r) {
        return new ServerSettings(r.name(), r.url(), r.username(), r.password(), r.verifyTls(), timeouts(r.timeouts()),
                r.maxConcurrent(), r.capacityWeight(), r.labels(), r.enabled());
    }

    static ServerView view(RegisteredServer s) {
        ServerSettings.Timeouts t = s.timeouts();
        return new ServerView(s.id(), s.name(), s.url(), s.apiVersion(), s.gns3Version(), s.username(),
                s.passwordSet(), s.verifyTls(),
                t == null ? null : new ServerTimeouts(t.readMs(), t.writeMs(), t.lifecycleMs(), t.transferMs()),
                s.maxConcurrent(), s.capacityWeight(), s.labels(), s.enabled(), s.status(), s.breakerState(),
                s.lastSeen(), s.consecutiveFailures(), s.latencyMs(), s.createdAt(), s.updatedAt(), s.draining(),
                s.drainingSince());
    }

    static ServerTestResult view(ConnectionTest t) {
        return new ServerTestResult(t.serverId(), t.reachable(), t.gns3Version(), t.apiVersion(), t.latencyMs(),
                computes(t.computes()), t.error());
    }

    static ServerHealthView view(ServerHealth h) {
        return new ServerHealthView(h.serverId(), h.name(), h.status(), h.latencyMs(), h.lastSeen(),
                h.consecutiveFailures(), h.uptimePercent24h(), h.breakerState(), h.recent().stream()
                .map(c -> new ServerHealthView.HealthCheckView(c.at(), c.status(), c.latencyMs(), c.cpuPercent(),
                        c.memoryPercent(), c.error()))
                .toList());
    }

    static ServerDrainView view(DrainState d) {
        return new ServerDrainView(d.serverId(), d.name(), d.draining(), d.drainingSince(), d.reason(),
                d.labs() == null ? null : d.labs().stream()
                        .map(l -> new ServerDrainView.Lab(l.projectId(), l.name(), l.status())).toList(),
                d.labsError());
    }

    private static ServerSettings.Timeouts timeouts(ServerTimeouts t) {
        return t == null ? null : new ServerSettings.Timeouts(t.readMs(), t.writeMs(), t.lifecycleMs(), t.transferMs());
    }

    /** GNS3's computes as the API shows them; none when GNS3's answer does not read as computes. */
    private static List<ComputeView> computes(JsonNode computes) {
        try {
            return List.of(MAPPER.convertValue(computes, ComputeView[].class));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
