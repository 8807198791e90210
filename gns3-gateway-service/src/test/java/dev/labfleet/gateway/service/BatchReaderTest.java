package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchReaderTest {

    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    private static BatchReader.Read read(String json) throws Exception {
        return BatchReader.read(JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bodiesAreKeptAsTheCallerWroteThemWithTheirIdsPickedOut() throws Exception {
        String node = "{ \"node_id\" : \"N-1\", \"name\":\"Zürich \\\"core\\\"\", \"properties\": {\"ports_mapping\": "
                + "[{\"name\": \"e0\", \"node_id\": \"not-a-link-end\"}]}, \"x\": -3 }";
        String link = "{\"link_id\":\"L-1\",\"nodes\":[{\"node_id\":\"A\",\"port_number\":0},{\"adapter_number\":0,"
                + "\"node_id\":\"B\"}],\"filters\":{\"delay\":[10,2]}}";
        BatchReader.Read read = read("{\"concurrency\": 4, \"fields\": [\"node_id\"], \"extra\": {\"ignored\": [1]},"
                + " \"operations\": [ {\"id\": \"n\", \"method\": \"POST\", \"path\": \"/projects/p/nodes\", \"body\": "
                + node + "}, {\"path\": \"/projects/p/links\", \"body\": " + link + ", \"id\": 7, \"method\": \"post\"},"
                + " {\"id\": \"g\", \"method\": \"GET\", \"path\": \"/x\", \"body\": null} ]}");

        assertThat(read.violations()).isEmpty();
        assertThat(read.concurrency()).isEqualTo(4);
        assertThat(read.fields()).containsExactly("node_id");
        assertThat(read.operations()).hasSize(3);
        BatchReader.Operation n = read.operations().get(0);
        assertThat(new String(n.body(), StandardCharsets.UTF_8)).isEqualTo(node);
        assertThat(n.idOf("node_id")).isEqualTo("N-1");
        assertThat(n.linkNodes()).isEmpty();
        BatchReader.Operation l = read.operations().get(1);
        assertThat(l.id()).isEqualTo("7");
        assertThat(l.method()).isEqualTo("post");
        assertThat(new String(l.body(), StandardCharsets.UTF_8)).isEqualTo(link);
        assertThat(l.idOf("link_id")).isEqualTo("L-1");
        assertThat(l.linkNodes()).containsExactly("A", "B");
        BatchReader.Operation g = read.operations().get(2);
        assertThat(g.body()).isNull();
        assertThat(g.bodyShape()).isNull();
        assertThat(g.ids()).isNull();
    }

    @Test
    void whatIsNotABatchsShapeIsReportedWithItsPath() throws Exception {
        BatchReader.Read read = read("{\"concurrency\": \"many\", \"fields\": \"name\", \"operations\": [null, 3,"
                + " {\"id\": {\"a\": 1}, \"method\": [\"GET\"], \"path\": \"/p\", \"body\": [1, 2]},"
                + " {\"id\": \"s\", \"body\": \"text\"}]}");
        assertThat(read.violations()).extracting(Problem.Violation::field).containsExactly("concurrency", "fields",
                "operations[1]", "operations[2].id", "operations[2].method");
        assertThat(read.operations()).hasSize(4);
        assertThat(read.operations().get(0)).isNull();
        assertThat(read.operations().get(1)).isNull();
        assertThat(read.operations().get(2).bodyShape()).isEqualTo("an array");
        assertThat(read.operations().get(3).bodyShape()).isEqualTo("a string");

        assertThat(read("[1]").violations()).extracting(Problem.Violation::field).containsExactly("body");
        assertThat(read("{\"operations\": {}}").violations()).extracting(Problem.Violation::field)
                .containsExactly("operations");
        assertThat(read("").operations()).isNull();
    }

    @Test
    void malformedJsonFailsTheRead() {
        assertThatThrownBy(() -> read("{\"operations\": [{\"id\": \"a\", }"))
                .isInstanceOf(JsonProcessingException.class);
    }
    @Test
    void bodyFieldsGns3CouldNotTakeAreViolationsWithTheirPath() throws Exception {
        BatchReader.Read read = read("{\"operations\": ["
                + "{\"id\": \"a\", \"method\": \"PUT\", \"path\": \"/projects/p/nodes/n\", \"body\": "
                + "{\"x\": 99999999999999999999, \"y\": 1.5, \"name\": \"a\\u0000b\", \"label\": {\"rotation\": 999}}},"
                + "{\"id\": \"b\", \"method\": \"POST\", \"path\": \"/projects/p/links\", \"body\": "
                + "{\"nodes\": [{\"node_id\": \"A\", \"adapter_number\": -1, \"port_number\": 0}, 7]}},"
                + "{\"id\": \"c\", \"method\": \"PUT\", \"path\": \"/projects/p/drawings/d\", \"body\": "
                + "{\"z\": 4294967296, \"svg\": {\"a\": 1}}}]}");
        assertThat(read.violations()).extracting(Problem.Violation::field).containsExactly(
                "operations[0].body.x", "operations[0].body.y", "operations[0].body.name",
                "operations[0].body.label.rotation", "operations[1].body.nodes[0].adapter_number",
                "operations[1].body.nodes[1]", "operations[2].body.z", "operations[2].body.svg");
        assertThat(read.violations().get(0).message()).isEqualTo("must be an integer from -2147483648 to 2147483647");
        assertThat(read.violations().get(2).message()).contains("U+0000");
        assertThat(read.operations().get(1).linkNodes()).containsExactly("A");
    }
}
