package dev.labfleet.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How consecutive upserts are cut into multi-row statements, and the rows those statements read. */
class IndexWriterChunksTest {

    private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 5, 9, 0, 0, 123_456_789, ZoneOffset.UTC);

    private static IndexDoc node(UUID project, String id, String name) {
        return new IndexDoc(Kind.NODE, id, null, project, name, null, "started", "vpcs", null, null,
                List.of("role=core"), null, null, "/n/" + id, T, T);
    }

    private static IndexDoc link(UUID project, String id, String... nodes) {
        return new IndexDoc(Kind.LINK, id, null, project, null, null, null, null, null, null, null, List.of(nodes),
                null, "/l/" + id, T, T);
    }

    private static IndexDoc lab(UUID project) {
        return new IndexDoc(Kind.LAB, project.toString(), null, project, "lab", null, "opened", null, null, null,
                null, null, null, "/p", T, T);
    }

    @Test
    void independentDocumentsShareOneStatement() {
        UUID p = UUID.randomUUID();
        List<IndexDoc> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(node(p, "n" + i, "R" + i));
        }
        assertThat(IndexWriter.chunks(docs)).hasSize(1).first().asList().hasSize(300);
    }

    @Test
    void theSameDocumentTwiceLinksAfterTheirNodesAndChildrenAfterTheirLabStartANewStatement() {
        UUID p = UUID.randomUUID();
        List<List<IndexDoc>> chunks = IndexWriter.chunks(List.of(
                node(p, "a", "R1"), node(p, "b", "R2"),
                link(p, "l1", "a", "b"),          // named from a and b: must see them written
                node(p, "c", "R3"),
                node(p, "c", "R3-renamed"),       // the same row twice
                lab(p), node(p, "d", "R4")));    // a child after its lab
        assertThat(chunks).extracting(List::size).containsExactly(2, 2, 2, 1);
        assertThat(chunks.get(1).get(0).entityId()).isEqualTo("l1");
        assertThat(chunks.get(2).get(0).name()).isEqualTo("R3-renamed");
        // a link whose name is known reads no node row: it stays
        IndexDoc named = new IndexDoc(Kind.LINK, "l2", null, p, "R1 - R2", null, null, null, null, null, null,
                List.of("a", "b"), null, "/l/l2", T, T);
        assertThat(IndexWriter.chunks(List.of(node(p, "a", "R1"), named))).hasSize(1);
    }

    @Test
    void aLongRunIsCutAtTheRowLimit() {
        UUID p = UUID.randomUUID();
        List<IndexDoc> docs = new ArrayList<>();
        for (int i = 0; i < IndexWriter.MAX_ROWS + 5; i++) {
            docs.add(node(p, "n" + i, "R" + i));
        }
        assertThat(IndexWriter.chunks(docs)).extracting(List::size).containsExactly(IndexWriter.MAX_ROWS, 5);
    }

    @Test
    void rowsCarryEveryColumnWithTimesInMicroseconds() throws Exception {
        UUID p = UUID.randomUUID();
        JsonNode rows = CloudEventCodec.mapper().readTree(IndexWriter.rows(List.of(node(p, "a", "R1"),
                link(p, "l", "a", "b"))));
        assertThat(rows).hasSize(2);
        JsonNode n = rows.get(0);
        assertThat(n.fieldNames()).toIterable().containsExactly(IndexWriter.COLUMNS);
        assertThat(n.get("id").asText()).isEqualTo("node:a");
        assertThat(n.get("project_id").asText()).isEqualTo(p.toString());
        assertThat(n.get("name_terms").asText()).containsIgnoringCase("r1");
        assertThat(n.get("labels")).hasSize(1);
        assertThat(n.get("version_time").asText()).isEqualTo("2026-12-05T09:00:00.123456Z");
        assertThat(n.get("node_refs")).isEmpty();
        JsonNode l = rows.get(1);
        assertThat(l.get("name").isNull()).isTrue();
        assertThat(l.get("node_refs")).extracting(JsonNode::asText).containsExactly("node:a", "node:b");
    }
}
