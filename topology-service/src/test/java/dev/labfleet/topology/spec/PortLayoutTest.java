package dev.labfleet.topology.spec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortLayoutTest {

    private static String resolve(PortLayout layout, String port) {
        PortLayout.Resolution r = layout.resolve(port);
        return r.ok() ? r.port().address() : r.error();
    }

    @Test
    void vpcsHasOnePort() {
        PortLayout vpcs = NodeTypes.layout("vpcs", Map.of());
        assertThat(List.of("e0", "Ethernet0", "eth0", "0", "0/0", "E0")).allSatisfy(
                p -> assertThat(resolve(vpcs, p)).isEqualTo("0/0"));
        assertThat(resolve(vpcs, "e1")).isEqualTo("port 'e1' is out of range for a vpcs node (ports: e0)");
        assertThat(resolve(vpcs, "0/1")).startsWith("port '0/1' is out of range");
        assertThat(resolve(vpcs, "console")).isEqualTo("no port 'console' on a vpcs node (ports: e0)");
    }

    @Test
    void switchesHaveEightPortsOnAdapterZeroUnlessMapped() {
        PortLayout sw = NodeTypes.layout("ethernet_switch", Map.of());
        assertThat(sw.ports()).hasSize(8);
        assertThat(resolve(sw, "e7")).isEqualTo("0/7");
        assertThat(resolve(sw, "Ethernet3")).isEqualTo("0/3");
        assertThat(resolve(sw, "0/5")).isEqualTo("0/5");
        assertThat(resolve(sw, "e8")).startsWith("port 'e8' is out of range");
        assertThat(resolve(sw, "1/0")).startsWith("port '1/0' is out of range");

        PortLayout mapped = NodeTypes.layout("ethernet_switch", Map.of("ports_mapping", List.of(
                Map.of("name", "Access", "port_number", 0), Map.of("name", "Trunk", "port_number", 5))));
        assertThat(resolve(mapped, "trunk")).isEqualTo("0/5");
        assertThat(resolve(mapped, "e5")).isEqualTo("0/5");
        assertThat(resolve(mapped, "e1")).startsWith("port 'e1' is out of range");
        assertThat(mapped.describe()).isEqualTo("e0, e5");

        assertThat(NodeTypes.layout("ethernet_hub", Map.of()).ports()).hasSize(8);
    }

    @Test
    void badPortsMappingsAreRejected() {
        assertThatThrownBy(() -> NodeTypes.layout("ethernet_switch", Map.of("ports_mapping", "8")))
                .isInstanceOf(NodeTypes.BadPropertyException.class).hasMessageContaining("list");
        assertThatThrownBy(() -> NodeTypes.layout("ethernet_switch", Map.of("ports_mapping", List.of(
                Map.of("name", "a", "port_number", 1), Map.of("name", "b", "port_number", 1)))))
                .isInstanceOf(NodeTypes.BadPropertyException.class)
                .satisfies(e -> assertThat(((NodeTypes.BadPropertyException) e).property())
                        .isEqualTo("ports_mapping[1].port_number"));
    }

    @Test
    void qemuAndDockerHaveOnePortPerAdapter() {
        PortLayout qemu = NodeTypes.layout("qemu", Map.of("adapters", 4));
        assertThat(resolve(qemu, "e3")).isEqualTo("3/0");
        assertThat(resolve(qemu, "Ethernet2")).isEqualTo("2/0");
        assertThat(resolve(qemu, "3/0")).isEqualTo("3/0");
        assertThat(resolve(qemu, "0/1")).startsWith("port '0/1' is out of range");
        assertThat(resolve(qemu, "e4")).startsWith("port 'e4' is out of range");
        assertThat(NodeTypes.layout("qemu", Map.of()).ports()).hasSize(1);
        assertThat(resolve(NodeTypes.layout("docker", Map.of("adapters", 2)), "eth1")).isEqualTo("1/0");
        assertThatThrownBy(() -> NodeTypes.layout("qemu", Map.of("adapters", -1)))
                .isInstanceOf(NodeTypes.BadPropertyException.class);
    }

    @Test
    void iouPortsAreSlotsAndIndexesAreAmbiguous() {
        PortLayout iou = NodeTypes.layout("iou", Map.of());
        assertThat(resolve(iou, "e1/3")).isEqualTo("1/3");
        assertThat(resolve(iou, "Serial2/0")).isEqualTo("2/0");
        assertThat(resolve(iou, "s3/3")).isEqualTo("3/3");
        assertThat(resolve(iou, "s0/0")).startsWith("no port 's0/0'");
        assertThat(resolve(iou, "e1")).startsWith("'e1' is ambiguous on a iou node");
        assertThat(resolve(iou, "4/0")).startsWith("port '4/0' is out of range");
    }

    @Test
    void runtimePortsAreTakenAsAdapterPortUnchecked() {
        PortLayout dynamips = NodeTypes.layout("dynamips", Map.of());
        assertThat(resolve(dynamips, "f1/0")).isEqualTo("1/0");
        assertThat(resolve(dynamips, "e0")).startsWith("'e0' is ambiguous");
        assertThat(dynamips.portAt(0)).isNull();
    }

    @Test
    void generatorsCanAskForMorePorts() {
        assertThat(NodeTypes.propertiesForPorts("ethernet_switch", Map.of(), 8)).isNull();
        Map<String, Object> twelve = NodeTypes.propertiesForPorts("ethernet_switch", Map.of(), 12);
        assertThat(NodeTypes.layout("ethernet_switch", twelve).ports()).hasSize(12);
        assertThat(NodeTypes.propertiesForPorts("qemu", Map.of("adapters", 2), 6)).isEqualTo(Map.of("adapters", 6));
        assertThatThrownBy(() -> NodeTypes.propertiesForPorts("vpcs", Map.of(), 2))
                .hasMessage("a vpcs node has 1 port, 2 needed");
    }
}
