package dev.labfleet.automation.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class TelnetTest {

    @Test
    void gns3sFirstBytesAreAnsweredOnceAndTheBannerIsData() {
        // what a real GNS3 2.2 VPCS console sends first (10-console-e2e-lab.json)
        byte[] first = HexFormat.of().parseHex("fffb01fffb03fffb00fffd00fffd01fffb01fffd03fffb030d0d0a57656c636f6d65");
        Telnet telnet = new Telnet();
        Telnet.Decoded decoded = telnet.decode(first);
        assertThat(new String(decoded.data(), StandardCharsets.ISO_8859_1)).isEqualTo("\r\r\nWelcome");
        // DO ECHO, DO SGA, DO BINARY, WILL BINARY, WONT ECHO (we never echo), WILL SGA; repeats are not answered again
        assertThat(HexFormat.of().formatHex(decoded.reply())).isEqualTo("fffd01fffd03fffd00fffb00fffc01fffb03");
        assertThat(telnet.decode(HexFormat.of().parseHex("fffb01fffd00")).reply()).isEmpty();
    }

    @Test
    void commandsSplitAcrossChunksAndSubnegotiationsAreSkipped() {
        Telnet telnet = new Telnet();
        Telnet.Decoded a = telnet.decode(new byte[]{'o', 'k', (byte) 0xff});
        Telnet.Decoded b = telnet.decode(new byte[]{(byte) 0xfb, 0x18, 'x', (byte) 0xff, (byte) 0xfa, 0x18, 1,
                (byte) 0xff, (byte) 0xf0, 'y', (byte) 0xff, (byte) 0xff});
        assertThat(new String(a.data(), StandardCharsets.ISO_8859_1)).isEqualTo("ok");
        assertThat(HexFormat.of().formatHex(b.reply())).isEqualTo("fffe18"); // DONT TERMINAL-TYPE
        assertThat(b.data()).containsExactly('x', 'y', 0xff);
    }

    @Test
    void aLineWithAnIacByteIsEscaped() {
        assertThat(Telnet.escape(new byte[]{'a', (byte) 0xff, 'b'})).containsExactly('a', 0xff, 0xff, 'b');
    }
}
