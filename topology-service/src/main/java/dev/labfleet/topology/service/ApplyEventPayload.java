package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.service.ApplyReport.Outcome;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code lab.topology.applied} / {@code lab.topology.apply-failed} event of an ended apply: its counts, its first
 * failures, and the start priorities the spec gives (project-service orders staggered starts by them).
 */
final class ApplyEventPayload {

    static final int MAX_FAILURES_IN_EVENT = 50;

    private ApplyEventPayload() {
    }

    static String type(ApplyReport report) {
        return report.status() == ApplyStatus.FAILED ? EventTypes.LAB_TOPOLOGY_APPLY_FAILED
                : EventTypes.LAB_TOPOLOGY_APPLIED;
    }

    static JsonNode data(ApplyReport report, TopologySpec spec) {
        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
        data.put("projectId", report.projectId().toString());
        data.put("serverId", report.serverId().toString());
        data.put("status", report.status().name());
        data.set("summary", CloudEventCodec.mapper().valueToTree(report.summary()));
        data.put("done", report.done());
        data.put("failed", report.failed());
        data.put("skipped", report.skipped());
        data.put("durationMs", report.durationMs());
        data.set("failures", CloudEventCodec.mapper().valueToTree(report.results().stream()
                .filter(r -> r.outcome() != Outcome.DONE).limit(MAX_FAILURES_IN_EVENT).toList()));
        data.set("priorities", CloudEventCodec.mapper().valueToTree(priorities(spec)));
        return data;
    }

    /** Node name -> start priority, for the nodes the spec gives one. */
    static Map<String, Integer> priorities(TopologySpec spec) {
        Map<String, Integer> out = new LinkedHashMap<>();
        spec.nodes().forEach(n -> {
            if (n.priority() != null) {
                out.put(n.name(), n.priority());
            }
        });
        return out;
    }
}
