package dev.labfleet.topology.support;

import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.PortLayout;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TemplateInfo;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Random valid specs for property tests: a seed gives the same spec every time. */
public final class RandomSpecs {

    /** The builtin templates plus a QEMU router template with 4 adapters. */
    public static final TemplateCatalogue CATALOGUE;

    static {
        List<TemplateInfo> templates = new ArrayList<>(TemplateCatalogue.BUILTIN);
        templates.add(new TemplateInfo(UUID.fromString("6a1cbd3c-27f4-4c3e-a5f6-0b0e9f7c1a11"), "vRouter", "qemu",
                Map.of("adapters", 4)));
        CATALOGUE = TemplateCatalogue.of(templates);
    }

    private RandomSpecs() {
    }

    public static TopologySpec spec(long seed, int maxNodes) {
        Random r = new Random(seed);
        int count = 1 + r.nextInt(maxNodes);
        List<NodeSpec> nodes = new ArrayList<>();
        List<PortLayout> layouts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // a small name space so that two seeds share names, some with other types
            String name = "n" + r.nextInt(maxNodes * 2);
            if (nodes.stream().anyMatch(n -> n.name().equals(name))) {
                continue;
            }
            NodeSpec node = switch (r.nextInt(6)) {
                case 0 -> NodeSpec.ofType(name, "vpcs", null);
                case 1 -> NodeSpec.ofTemplate(name, "VPCS", null);
                case 2 -> NodeSpec.ofTemplate(name, "Ethernet switch", null);
                case 3 -> NodeSpec.ofType(name, "ethernet_switch", null).withProperties(Map.of("ports_mapping",
                        mapping(2 + r.nextInt(4), r.nextInt(100) + 1)));
                case 4 -> NodeSpec.ofType(name, "ethernet_hub", null);
                default -> NodeSpec.ofTemplate(name, "vRouter", null).withProperties(
                        r.nextBoolean() ? Map.of() : Map.of("adapters", 2 + r.nextInt(6)));
            };
            if (r.nextInt(3) > 0) {
                node = node.withPosition(NodeSpec.Position.of(r.nextInt(2000) - 1000, r.nextInt(2000) - 1000));
            }
            if (r.nextInt(4) == 0) {
                node = node.withLabels(Map.of("role", "r" + r.nextInt(3))).withPriority(r.nextInt(5));
            }
            nodes.add(node);
            Map<String, Object> props = new LinkedHashMap<>();
            if (node.template() != null) {
                props.putAll(CATALOGUE.find(node.template()).orElseThrow().properties());
            }
            props.putAll(node.properties());
            String type = node.template() != null ? CATALOGUE.find(node.template()).orElseThrow().nodeType()
                    : node.nodeType();
            layouts.add(NodeTypes.layout(type, props));
        }
        List<List<PortLayout.Port>> free = new ArrayList<>();
        layouts.forEach(l -> free.add(new ArrayList<>(l.ports())));
        List<LinkSpec> links = new ArrayList<>();
        int wanted = r.nextInt(nodes.size() * 2 + 1);
        for (int attempt = 0; attempt < wanted * 3 && links.size() < wanted; attempt++) {
            int a = r.nextInt(nodes.size());
            int b = r.nextInt(nodes.size());
            if (a == b || free.get(a).isEmpty() || free.get(b).isEmpty()) {
                continue;
            }
            PortLayout.Port pa = free.get(a).remove(r.nextInt(free.get(a).size()));
            PortLayout.Port pb = free.get(b).remove(r.nextInt(free.get(b).size()));
            LinkSpec link = LinkSpec.of(nodes.get(a).name() + ":" + portName(r, pa),
                    nodes.get(b).name() + ":" + portName(r, pb));
            if (r.nextInt(3) == 0) {
                link = link.withConditions(new LinkConditions(r.nextBoolean() ? r.nextInt(101) : null,
                        r.nextBoolean() ? r.nextInt(500) : null, null, r.nextBoolean() ? r.nextInt(10) : null,
                        r.nextBoolean() ? r.nextInt(50) - 1 : null, r.nextBoolean() ? "icmp" : null));
            }
            if (r.nextInt(10) == 0) {
                link = link.withSuspend(true);
            }
            links.add(link);
        }
        return new TopologySpec("random-" + seed, null, null, nodes, links);
    }

    /** Any of the names a port answers to. */
    private static String portName(Random r, PortLayout.Port p) {
        return switch (r.nextInt(3)) {
            case 0 -> p.name();
            case 1 -> p.shortName();
            default -> p.address();
        };
    }

    private static List<Object> mapping(int ports, int vlan) {
        List<Object> mapping = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("name", i == ports - 1 ? "Trunk" : "Ethernet" + i);
            port.put("port_number", i);
            port.put("type", i == ports - 1 ? "dot1q" : "access");
            port.put("vlan", i == ports - 1 ? 1 : vlan);
            mapping.add(port);
        }
        return mapping;
    }
}
