package dev.labfleet.search;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * search-service's consumer groups outside the tests, as application.properties gives them in the production profile:
 * {@code LABFLEET_KAFKA_GROUP} names them, as it does the other services' (an e2e run or a second suite on the same
 * Kafka sets it, and must never join the running suite's groups), and without it they are the groups the suite has
 * always used, so an upgrade keeps its committed offsets.
 */
class KafkaGroupConfigTest {

    private static final Pattern CONNECTOR = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.connector");

    @Test
    void theGroupsFollowLabfleetKafkaGroup() throws IOException {
        assertThat(groups(Map.of("LABFLEET_KAFKA_GROUP", "search-service-e2e-7"))).isEqualTo(Map.of(
                "gns3-events", "search-service-e2e-7", "lab-projects", "search-service-e2e-7",
                "lab-topology", "search-service-e2e-7", "lab-automation", "search-service-e2e-7",
                "lab-monitoring", "search-service-e2e-7", "lab-audit-in", "search-service-e2e-7-audit"));
    }

    @Test
    void withoutItTheGroupsAreTheSuitesOwn() throws IOException {
        assertThat(groups(Map.of())).isEqualTo(Map.of(
                "gns3-events", "search-service", "lab-projects", "search-service", "lab-topology", "search-service",
                "lab-automation", "search-service", "lab-monitoring", "search-service",
                "lab-audit-in", "search-service-audit"));
    }

    /** Every Kafka channel's effective group id in the production profile, with {@code env} set. */
    private static Map<String, String> groups(Map<String, String> env) throws IOException {
        URL properties = KafkaGroupConfigTest.class.getClassLoader().getResource("application.properties");
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withProfile("prod")
                .withSources(new PropertiesConfigSource(properties, 250))
                .withSources(new PropertiesConfigSource(env, "environment", 300))
                .build();
        assertThat(config.getValue("labfleet.service", String.class)).as("search-service's own properties")
                .isEqualTo("search");
        Map<String, String> groups = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = CONNECTOR.matcher(name);
            if (m.matches() && "smallrye-kafka".equals(config.getRawValue(name))) {
                groups.put(m.group(1), config.getValue("mp.messaging.incoming." + m.group(1) + ".group.id",
                        String.class));
            }
        }
        return groups;
    }
}
