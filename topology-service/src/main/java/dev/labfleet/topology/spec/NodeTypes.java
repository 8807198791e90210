package dev.labfleet.topology.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Labfleet knows about GNS3 2.2's node types: which exist, how their ports are laid out, and which properties
 * shape their ports. Port layouts follow what GNS3 reports in a node's {@code ports} (see
 * gns3-simulator/src/test/resources/gns3-2.2/03-nodes.json).
 */
public final class NodeTypes {

    public static final String VPCS = "vpcs";
    public static final String ETHERNET_SWITCH = "ethernet_switch";
    public static final String ETHERNET_HUB = "ethernet_hub";
    public static final String CLOUD = "cloud";
    public static final String NAT = "nat";
    public static final String QEMU = "qemu";
    public static final String DOCKER = "docker";
    public static final String IOU = "iou";

    /** GNS3 2.2's node types. */
    public static final Set<String> ALL = Set.of(
            "cloud", "nat", "ethernet_hub", "ethernet_switch", "frame_relay_switch", "atm_switch", "docker",
            "dynamips", "vpcs", "traceng", "virtualbox", "vmware", "iou", "qemu");

    /** Default number of ports of an Ethernet switch or hub made without a {@code ports_mapping}. */
    public static final int DEFAULT_SWITCH_PORTS = 8;
    private static final int MAX_ADAPTERS = 275;
    private static final int MAX_SWITCH_PORTS = 4096;
    private static final int IOU_PORTS_PER_ADAPTER = 4;

    private NodeTypes() {
    }

    public static boolean known(String nodeType) {
        return nodeType != null && ALL.contains(nodeType);
    }

    /** A node's properties are wrong in a way that makes its ports unknown. */
    public static final class BadPropertyException extends IllegalArgumentException {
        private final String property;

        BadPropertyException(String property, String message) {
            super(message);
            this.property = property;
        }

        /** The property, e.g. {@code ports_mapping}. */
        public String property() {
            return property;
        }
    }

    /**
     * The ports of a node of this type with these (effective: template's, then the node's own) properties.
     *
     * @throws BadPropertyException when a property that shapes the ports is malformed
     */
    public static PortLayout layout(String nodeType, Map<String, Object> properties) {
        Map<String, Object> props = properties == null ? Map.of() : properties;
        return switch (nodeType) {
            case "vpcs", "traceng" -> new PortLayout(nodeType, PortLayout.Style.ONE_PORT_PER_ADAPTER,
                    List.of(new PortLayout.Port("Ethernet0", "e0", 0, 0)));
            case "nat" -> new PortLayout(nodeType, PortLayout.Style.ONE_ADAPTER,
                    List.of(new PortLayout.Port("nat0", "nat0", 0, 0)));
            case "ethernet_switch", "ethernet_hub" -> switchLayout(nodeType, props);
            case "cloud" -> props.containsKey("ports_mapping")
                    ? new PortLayout(nodeType, PortLayout.Style.ONE_ADAPTER, mappedPorts(props.get("ports_mapping"), true))
                    : new PortLayout(nodeType, PortLayout.Style.UNCHECKED, List.of());
            case "qemu", "virtualbox", "vmware" -> perAdapter(nodeType, intProperty(props, "adapters", 1, 0, MAX_ADAPTERS),
                    "Ethernet", "e");
            case "docker" -> perAdapter(nodeType, intProperty(props, "adapters", 1, 0, 99), "eth", "eth");
            case "iou" -> iouLayout(props);
            default -> new PortLayout(nodeType, PortLayout.Style.UNCHECKED, List.of());
        };
    }

    /**
     * Properties that give a node of this type at least {@code needed} ports (for generators), or null when the
     * type's default already has them; throws when the type cannot have that many.
     */
    public static Map<String, Object> propertiesForPorts(String nodeType, Map<String, Object> templateProperties,
                                                         int needed) {
        PortLayout current = layout(nodeType, templateProperties);
        if (current.checked() && current.ports().size() >= needed) {
            return null;
        }
        return switch (nodeType) {
            case "ethernet_switch", "ethernet_hub" -> {
                if (needed > MAX_SWITCH_PORTS) {
                    throw new IllegalArgumentException("a " + nodeType + " has at most " + MAX_SWITCH_PORTS + " ports");
                }
                List<Object> mapping = new ArrayList<>();
                for (int i = 0; i < needed; i++) {
                    Map<String, Object> port = new LinkedHashMap<>();
                    port.put("name", "Ethernet" + i);
                    port.put("port_number", i);
                    if (nodeType.equals(ETHERNET_SWITCH)) {
                        port.put("type", "access");
                        port.put("vlan", 1);
                    }
                    mapping.add(port);
                }
                yield Map.of("ports_mapping", mapping);
            }
            case "qemu", "virtualbox", "vmware", "docker" -> {
                int max = nodeType.equals(DOCKER) ? 99 : MAX_ADAPTERS;
                if (needed > max) {
                    throw new IllegalArgumentException("a " + nodeType + " node has at most " + max + " adapters");
                }
                yield Map.of("adapters", needed);
            }
            default -> throw new IllegalArgumentException(current.checked()
                    ? "a " + nodeType + " node has " + current.ports().size() + " port"
                    + (current.ports().size() == 1 ? "" : "s") + ", " + needed + " needed"
                    : "the ports of " + nodeType + " nodes are not known in advance");
        };
    }

    /**
     * The properties that give a node exactly these ports ({@code ports_mapping}, {@code adapters}...), empty for
     * types whose ports are fixed or unknown. Switch ports made this way are access ports in VLAN 1, GNS3's default.
     */
    public static Map<String, Object> portProperties(PortLayout layout) {
        String type = layout.nodeType();
        Map<String, Object> props = new LinkedHashMap<>();
        switch (type) {
            case "ethernet_switch", "ethernet_hub", "cloud" -> {
                List<Object> mapping = new ArrayList<>();
                for (PortLayout.Port p : layout.ports()) {
                    Map<String, Object> port = new LinkedHashMap<>();
                    port.put("name", p.name());
                    port.put("port_number", p.portNumber());
                    if (type.equals(ETHERNET_SWITCH)) {
                        port.put("type", "access");
                        port.put("vlan", 1);
                    }
                    mapping.add(port);
                }
                if (layout.checked()) {
                    props.put("ports_mapping", mapping);
                }
            }
            case "qemu", "virtualbox", "vmware", "docker" -> props.put("adapters", layout.ports().size());
            case "iou" -> {
                int ethernet = (int) layout.ports().stream().filter(p -> p.name().startsWith("Ethernet")).count();
                int serial = layout.ports().size() - ethernet;
                props.put("ethernet_adapters", ethernet / IOU_PORTS_PER_ADAPTER);
                props.put("serial_adapters", serial / IOU_PORTS_PER_ADAPTER);
            }
            default -> {
            }
        }
        return props;
    }

    /** The properties worth showing when a live node is exported as a spec: those that shape its ports. */
    public static Set<String> topologyProperties(String nodeType) {
        return switch (nodeType == null ? "" : nodeType) {
            case "ethernet_switch", "ethernet_hub", "cloud" -> Set.of("ports_mapping");
            case "qemu", "virtualbox", "vmware", "docker" -> Set.of("adapters");
            case "iou" -> Set.of("ethernet_adapters", "serial_adapters");
            default -> Set.of();
        };
    }

    private static PortLayout switchLayout(String nodeType, Map<String, Object> props) {
        if (!props.containsKey("ports_mapping")) {
            List<PortLayout.Port> ports = new ArrayList<>();
            for (int i = 0; i < DEFAULT_SWITCH_PORTS; i++) {
                ports.add(new PortLayout.Port("Ethernet" + i, "e" + i, 0, i));
            }
            return new PortLayout(nodeType, PortLayout.Style.ONE_ADAPTER, ports);
        }
        return new PortLayout(nodeType, PortLayout.Style.ONE_ADAPTER, mappedPorts(props.get("ports_mapping"), false));
    }

    /** Ports of a {@code ports_mapping}: GNS3 names them by the mapping and short-names them e{port_number}. */
    private static List<PortLayout.Port> mappedPorts(Object value, boolean cloud) {
        if (!(value instanceof List<?> list)) {
            throw new BadPropertyException("ports_mapping", "must be a list of {name, port_number}");
        }
        if (list.size() > MAX_SWITCH_PORTS) {
            throw new BadPropertyException("ports_mapping", "at most " + MAX_SWITCH_PORTS + " ports");
        }
        List<PortLayout.Port> ports = new ArrayList<>();
        Set<Integer> numbers = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw new BadPropertyException("ports_mapping[" + i + "]", "must be an object {name, port_number}");
            }
            Object name = entry.get("name");
            Object number = entry.get("port_number");
            if (!(name instanceof String n) || n.isBlank()) {
                throw new BadPropertyException("ports_mapping[" + i + "].name", "must be a non-empty string");
            }
            if (!(number instanceof Number num) || num.doubleValue() != num.intValue() || num.intValue() < 0) {
                throw new BadPropertyException("ports_mapping[" + i + "].port_number", "must be an integer >= 0");
            }
            if (!numbers.add(num.intValue())) {
                throw new BadPropertyException("ports_mapping[" + i + "].port_number",
                        "port_number " + num.intValue() + " is used twice");
            }
            if (!names.add(n.toLowerCase(java.util.Locale.ROOT))) {
                throw new BadPropertyException("ports_mapping[" + i + "].name", "name '" + n + "' is used twice");
            }
            String shortName = cloud ? n : "e" + num.intValue();
            ports.add(new PortLayout.Port(n, shortName, 0, num.intValue()));
        }
        return ports;
    }

    private static PortLayout perAdapter(String nodeType, int adapters, String namePrefix, String shortPrefix) {
        List<PortLayout.Port> ports = new ArrayList<>();
        for (int i = 0; i < adapters; i++) {
            ports.add(new PortLayout.Port(namePrefix + i, shortPrefix + i, i, 0));
        }
        return new PortLayout(nodeType, PortLayout.Style.ONE_PORT_PER_ADAPTER, ports);
    }

    private static PortLayout iouLayout(Map<String, Object> props) {
        int ethernet = intProperty(props, "ethernet_adapters", 2, 0, 16);
        int serial = intProperty(props, "serial_adapters", 2, 0, 16);
        List<PortLayout.Port> ports = new ArrayList<>();
        for (int a = 0; a < ethernet + serial; a++) {
            boolean eth = a < ethernet;
            for (int p = 0; p < IOU_PORTS_PER_ADAPTER; p++) {
                ports.add(new PortLayout.Port((eth ? "Ethernet" : "Serial") + a + "/" + p,
                        (eth ? "e" : "s") + a + "/" + p, a, p));
            }
        }
        return new PortLayout(IOU, PortLayout.Style.SLOTS, ports);
    }

    private static int intProperty(Map<String, Object> props, String name, int fallback, int min, int max) {
        Object value = props.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < min || n.intValue() > max) {
            throw new BadPropertyException(name, "must be an integer from " + min + " to " + max);
        }
        return n.intValue();
    }
}
