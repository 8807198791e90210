package dev.labfleet.topology.format;

import dev.labfleet.topology.plan.LiveTopology;
import dev.labfleet.topology.spec.LinkFilters;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TemplateInfo;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A live lab as a spec ({@code GET .../topology}): applying it to the same lab plans no change. Nodes keep their
 * template when the catalogue knows it (else their node type), their position, and the properties that shape their
 * ports; links whose ends are not two known nodes are left out.
 */
public final class LiveSpecs {

    private LiveSpecs() {
    }

    public static TopologySpec toSpec(String name, LiveTopology live, TemplateCatalogue catalogue) {
        Map<UUID, LiveTopology.Node> byId = new HashMap<>();
        List<NodeSpec> nodes = new ArrayList<>();
        for (LiveTopology.Node n : live.nodes()) {
            byId.put(n.nodeId(), n);
            TemplateInfo template = n.templateId() == null ? null : catalogue.byId(n.templateId())
                    .filter(t -> t.nodeType().equals(n.nodeType())).orElse(null);
            Map<String, Object> properties = new LinkedHashMap<>();
            for (String key : NodeTypes.topologyProperties(n.nodeType())) {
                if (n.properties().get(key) != null) {
                    properties.put(key, n.properties().get(key));
                }
            }
            NodeSpec.Position position = n.x() == null || n.y() == null ? null : NodeSpec.Position.of(n.x(), n.y());
            NodeSpec spec = template != null ? NodeSpec.ofTemplate(n.name(), template.name(), position)
                    : NodeSpec.ofType(n.name(), n.nodeType(), position);
            nodes.add(spec.withProperties(properties));
        }
        List<LinkSpec> links = new ArrayList<>();
        for (LiveTopology.Link l : live.links()) {
            if (l.nodes().size() != 2) {
                continue;
            }
            LiveTopology.Endpoint a = l.nodes().get(0);
            LiveTopology.Endpoint b = l.nodes().get(1);
            LiveTopology.Node na = byId.get(a.nodeId());
            LiveTopology.Node nb = byId.get(b.nodeId());
            if (na == null || nb == null) {
                continue;
            }
            links.add(new LinkSpec(na.name() + ":" + na.portName(a.adapterNumber(), a.portNumber()),
                    nb.name() + ":" + nb.portName(b.adapterNumber(), b.portNumber()),
                    LinkFilters.fromGns3(LinkFilters.normalize(l.filters())), l.suspend() ? Boolean.TRUE : null));
        }
        return new TopologySpec(name, null, null, nodes, links);
    }
}
