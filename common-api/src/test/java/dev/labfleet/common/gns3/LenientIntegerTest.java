package dev.labfleet.common.gns3;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LenientIntegerTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aNodeHoldingValuesNoIntCanHoldIsStillRead() throws Exception {
        NodeView node = mapper.readValue("""
                {"node_id": "217e2af2-fc0a-4836-a3ae-fcea8cf7e52c", "name": "PC1", "x": 99999999999999999999,
                 "y": 4294967296, "z": 1.5, "console": "5000", "ports": [{"adapter_number": [1], "port_number": 0}]}""",
                NodeView.class);
        assertThat(node.name()).isEqualTo("PC1");
        assertThat(node.x()).isNull();
        assertThat(node.y()).isNull();
        assertThat(node.z()).isNull();
        assertThat(node.console()).isEqualTo(5000);
        assertThat(node.ports().get(0).adapterNumber()).isNull();
        assertThat(node.ports().get(0).portNumber()).isZero();
    }

    @Test
    void inRangeValuesAreReadAsTheyAre() throws Exception {
        DrawingView drawing = mapper.readValue("{\"x\": -2147483648, \"y\": 2147483647, \"z\": 2.0, \"rotation\": -90}",
                DrawingView.class);
        assertThat(drawing.x()).isEqualTo(Integer.MIN_VALUE);
        assertThat(drawing.y()).isEqualTo(Integer.MAX_VALUE);
        assertThat(drawing.z()).isEqualTo(2);
        assertThat(drawing.rotation()).isEqualTo(-90);
        ConsoleView console = mapper.convertValue(mapper.readTree("{\"console\": 99999999999999999999}"),
                ConsoleView.class);
        assertThat(console.console()).isNull();
    }

    @Test
    void treesFollowTheSameRule() throws Exception {
        assertThat(LenientInteger.of(mapper.readTree("99999999999999999999"))).isNull();
        assertThat(LenientInteger.of(mapper.readTree("-12"))).isEqualTo(-12);
        assertThat(LenientInteger.of(mapper.readTree("{}"))).isNull();
        assertThat(LenientInteger.of(null)).isNull();
    }
}
