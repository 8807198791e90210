package dev.labfleet.topology.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ports of one node as GNS3 numbers them ({@code adapter_number}/{@code port_number}), and how the port names
 * of a spec resolve to them. Made by {@link NodeTypes#layout}.
 *
 * <p>A port resolves, in this order, by its GNS3 name or short name ({@code Ethernet0}, {@code e0}, a switch's
 * {@code ports_mapping} name such as {@code Trunk}), by {@code adapter/port} ({@code 0/1}, also with a prefix:
 * {@code e0/1}), or by an interface index ({@code eth1}, {@code e1}, {@code 1}): adapter 1 on nodes with one port
 * per adapter (VPCS, QEMU, Docker), port 1 of adapter 0 on switches, hubs and clouds.
 */
public final class PortLayout {

    /** How a node type arranges its ports. */
    public enum Style {
        /** One port on each adapter (VPCS, QEMU, Docker, VirtualBox, VMware): index N is adapter N, port 0. */
        ONE_PORT_PER_ADAPTER,
        /** Every port on adapter 0 (Ethernet switch and hub, cloud, NAT): index N is port N. */
        ONE_ADAPTER,
        /** Adapters with several ports each (IOU): only names and adapter/port are unambiguous. */
        SLOTS,
        /** Ports GNS3 decides at runtime (Dynamips routers, Frame Relay/ATM switches): adapter/port only, unchecked. */
        UNCHECKED
    }

    /** One port. */
    public record Port(String name, String shortName, int adapterNumber, int portNumber) {
        /** {@code adapter/port}, as GNS3 labels link ends. */
        public String address() {
            return adapterNumber + "/" + portNumber;
        }
    }

    /**
     * The outcome of resolving a port name: the port, or why there is none.
     *
     * @param port  the port, or null
     * @param error what is wrong, or null
     */
    public record Resolution(Port port, String error) {
        public boolean ok() {
            return port != null;
        }
    }

    private static final Pattern ADAPTER_PORT = Pattern.compile("([A-Za-z][A-Za-z-]*)?\\s*(\\d{1,6})/(\\d{1,6})");
    private static final Pattern INDEX = Pattern.compile("([A-Za-z][A-Za-z-]*)?\\s*(\\d{1,6})");

    private final String nodeType;
    private final Style style;
    private final List<Port> ports;
    private final Map<String, Port> byName = new HashMap<>();
    private final Map<Long, Port> byAddress = new HashMap<>();

    PortLayout(String nodeType, Style style, List<Port> ports) {
        this.nodeType = nodeType;
        this.style = style;
        this.ports = List.copyOf(ports);
        for (Port p : this.ports) {
            byName.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
            byName.putIfAbsent(p.shortName().toLowerCase(Locale.ROOT), p);
            byAddress.putIfAbsent(key(p.adapterNumber(), p.portNumber()), p);
        }
    }

    /**
     * The layout of a live node from the ports GNS3 reports for it ({@code ports}: name, short name, adapter and
     * port numbers), which is what a link to that node can use.
     */
    public static PortLayout of(String nodeType, Style style, List<Port> ports) {
        return new PortLayout(nodeType, style, ports);
    }

    public String nodeType() {
        return nodeType;
    }

    public Style style() {
        return style;
    }

    /** The ports in GNS3's order; empty for {@link Style#UNCHECKED} layouts. */
    public List<Port> ports() {
        return ports;
    }

    /** True when port numbers are known and checked. */
    public boolean checked() {
        return style != Style.UNCHECKED;
    }

    /** The index-th port in GNS3's order, or null when there are not that many (or they are unknown). */
    public Port portAt(int index) {
        return index >= 0 && index < ports.size() ? ports.get(index) : null;
    }

    /** The port at an address, or null. For unchecked layouts, a port named by its address. */
    public Port at(int adapterNumber, int portNumber) {
        if (style == Style.UNCHECKED) {
            String address = adapterNumber + "/" + portNumber;
            return new Port(address, address, adapterNumber, portNumber);
        }
        return byAddress.get(key(adapterNumber, portNumber));
    }

    /** Resolves a port name of a spec. */
    public Resolution resolve(String portName) {
        if (portName == null || portName.isBlank()) {
            return new Resolution(null, "port name is empty");
        }
        String trimmed = portName.trim();
        Port named = byName.get(trimmed.toLowerCase(Locale.ROOT));
        if (named != null) {
            return new Resolution(named, null);
        }
        Matcher ap = ADAPTER_PORT.matcher(trimmed);
        if (ap.matches() && !isSerialPrefix(ap.group(1))) {
            int adapter = Integer.parseInt(ap.group(2));
            int port = Integer.parseInt(ap.group(3));
            Port found = at(adapter, port);
            return found != null ? new Resolution(found, null) : outOfRange(trimmed);
        }
        Matcher index = INDEX.matcher(trimmed);
        if (index.matches() && !isSerialPrefix(index.group(1))) {
            int n = Integer.parseInt(index.group(2));
            Port found = switch (style) {
                case ONE_PORT_PER_ADAPTER -> byAddress.get(key(n, 0));
                case ONE_ADAPTER -> byAddress.get(key(0, n));
                case SLOTS, UNCHECKED -> null;
            };
            if (found != null) {
                return new Resolution(found, null);
            }
            if (style == Style.SLOTS || style == Style.UNCHECKED) {
                return new Resolution(null, "'" + trimmed + "' is ambiguous on a " + nodeType
                        + " node: write adapter/port, e.g. 0/0" + available());
            }
            return outOfRange(trimmed);
        }
        return new Resolution(null, "no port '" + trimmed + "' on a " + nodeType + " node" + available());
    }

    /** The ports in short form for messages: {@code e0-e7}, or a list when short. */
    public String describe() {
        if (style == Style.UNCHECKED) {
            return "adapter/port";
        }
        if (ports.isEmpty()) {
            return "none";
        }
        if (ports.size() <= 6) {
            List<String> names = new ArrayList<>();
            ports.forEach(p -> names.add(p.shortName()));
            return String.join(", ", names);
        }
        return ports.get(0).shortName() + " to " + ports.get(ports.size() - 1).shortName()
                + " (" + ports.size() + " ports)";
    }

    private Resolution outOfRange(String name) {
        return new Resolution(null, "port '" + name + "' is out of range for a " + nodeType + " node" + available());
    }

    private String available() {
        return style == Style.UNCHECKED ? "" : " (ports: " + describe() + ")";
    }

    private static boolean isSerialPrefix(String prefix) {
        return prefix != null && (prefix.equalsIgnoreCase("s") || prefix.toLowerCase(Locale.ROOT).startsWith("serial"));
    }

    private static long key(int adapter, int port) {
        return ((long) adapter << 32) | (port & 0xffffffffL);
    }
}
