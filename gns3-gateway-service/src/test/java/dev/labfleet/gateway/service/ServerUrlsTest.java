package dev.labfleet.gateway.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerUrlsTest {

    @Test
    void oneSpellingPerServer() {
        assertThat(ServerUrls.normalize("HTTP://Gns3.Example:3080/v2/")).isEqualTo("http://gns3.example:3080");
        assertThat(ServerUrls.normalize("https://gns3.example:443/proxy/")).isEqualTo("https://gns3.example/proxy");
        assertThat(ServerUrls.normalize(" http://10.0.0.5:3080 ")).isEqualTo("http://10.0.0.5:3080");
        assertThat(ServerUrls.defaultName("http://10.0.0.5:3080")).isEqualTo("gns3-10.0.0.5-3080");
    }

    @Test
    void onlyHttpUrlsWithAHost() {
        assertThatThrownBy(() -> ServerUrls.normalize("ftp://x")).hasMessageContaining("http");
        assertThatThrownBy(() -> ServerUrls.normalize("http:///nohost")).hasMessageContaining("host");
    }
}
