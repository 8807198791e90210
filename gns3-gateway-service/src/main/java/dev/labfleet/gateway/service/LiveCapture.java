package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gateway.client.Gns3Stream;
import dev.labfleet.gateway.client.OperationClass;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.UUID;

/**
 * A link's live capture, answered at once. GNS3 answers {@code /pcap} with its status and headers, but the capture
 * file's 24-byte pcap global header reaches the stream only with the first captured frame (uBridge's libpcap writes
 * it through a buffered file flushed per packet), so a capture of a quiet link sends no byte: {@code wireshark -k -i -}
 * and clients with a read timeout see a hang. For an Ethernet link the header is known (classic pcap, microsecond
 * stamps, snaplen 65535, LINKTYPE_ETHERNET: what uBridge writes), so it is sent first and GNS3's own copy is dropped
 * from its stream when it comes. Other link types (serial: the data link type is the capture's choice) pass through.
 */
@ApplicationScoped
public class LiveCapture {

    /** Size of the pcap global header. */
    static final int HEADER_BYTES = 24;

    private final Gns3Proxy gns3;
    private final ObjectMapper mapper;

    public LiveCapture(Gns3Proxy gns3, ObjectMapper mapper) {
        this.gns3 = gns3;
        this.mapper = mapper;
    }

    /**
     * Opens the capture: fails with GNS3's problem (404 unknown link, 409 not capturing) before any byte, else the
     * stream, starting with the global header for an Ethernet link.
     */
    public Uni<Gns3Stream> open(UUID serverId, String linkPath) {
        return gns3.get(serverId, linkPath, "links.get")
                .map(link -> ethernet(link.body().getBytes()))
                .chain(ethernet -> gns3.download(serverId, linkPath + "/pcap", OperationClass.READ, "links.pcap")
                        .map(stream -> ethernet ? new Gns3Stream(stream.status(), stream.contentType(),
                                stream.contentDisposition(), headerFirst(stream.body())) : stream));
    }

    private boolean ethernet(byte[] link) {
        try {
            JsonNode json = mapper.readTree(link);
            return "ethernet".equals(json.path("link_type").asText("ethernet"));
        } catch (IOException e) {
            return false; // not GNS3's link JSON: leave the stream as GNS3 sends it
        }
    }

    /** Our global header now, then GNS3's stream without its own. */
    static Multi<Buffer> headerFirst(Multi<Buffer> gns3) {
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(ethernetHeader()),
                Multi.createFrom().deferred(() -> {
                    HeaderSkip skip = new HeaderSkip();
                    return gns3.map(skip::apply).filter(b -> b.length() > 0);
                }));
    }

    /** Classic pcap as uBridge writes it: magic a1b2c3d4 little-endian, 2.4, zone 0, snaplen 65535, Ethernet. */
    static Buffer ethernetHeader() {
        return Buffer.buffer(HEADER_BYTES).appendIntLE(0xa1b2c3d4).appendShortLE((short) 2).appendShortLE((short) 4)
                .appendIntLE(0).appendIntLE(0).appendIntLE(0xffff).appendIntLE(1);
    }

    /**
     * Drops the first 24 bytes of GNS3's stream when they are a pcap global header, however GNS3's chunks split
     * them; anything else (never seen) passes unchanged.
     */
    static final class HeaderSkip {
        private Buffer pending = Buffer.buffer(HEADER_BYTES);
        private boolean done;

        Buffer apply(Buffer chunk) {
            if (done) {
                return chunk;
            }
            int needed = HEADER_BYTES - pending.length();
            if (chunk.length() < needed) {
                pending.appendBuffer(chunk);
                return Buffer.buffer();
            }
            pending.appendBuffer(chunk, 0, needed);
            done = true;
            Buffer rest = chunk.getBuffer(needed, chunk.length());
            Buffer head = pending;
            pending = null;
            return isPcapHeader(head) ? rest : head.appendBuffer(rest);
        }

        private static boolean isPcapHeader(Buffer head) {
            int magic = head.getIntLE(0);
            // micro- and nanosecond magics, in either byte order
            return magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1 || magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
        }
    }
}
