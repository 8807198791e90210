package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GNS3 v2 controller the simulator plays: its projects and the REST surface over them, answered on one event
 * loop. As GNS3's own server splits its controller handlers, each resource has its handler class (version and
 * computes, templates, projects and their files, nodes, links and captures, snapshots, drawings, notifications);
 * they share {@link Model}, the body checks ({@link Requests}) and the answers and error wording ({@link Routes}).
 */
final class Gns3Api {

    static final ObjectMapper M = new ObjectMapper();
    static final String VERSION = "2.2.60.dev1";

    final Vertx vertx;
    /** Response prototypes extracted from the transcripts (tools/extract_prototypes.py). */
    final JsonNode prototypes;
    final Notifications notifications;
    private final Faults faults;
    private final RequestCounts counts;
    private VpcsConsoles consoles;
    final Map<String, Model.Project> projects = new LinkedHashMap<>();

    final VersionHandler versionHandler;
    final TemplateHandler templateHandler;
    final ProjectHandler projectHandler;
    final DrawingHandler drawingHandler;
    final SnapshotHandler snapshotHandler;
    final NodeHandler nodeHandler;
    final LinkHandler linkHandler;
    final NotificationHandler notificationHandler;

    Gns3Api(Vertx vertx, Faults faults, RequestCounts counts, Notifications notifications) {
        this.vertx = vertx;
        this.faults = faults;
        this.counts = counts;
        this.notifications = notifications;
        try (var in = Gns3Api.class.getResourceAsStream("prototypes.json")) {
            this.prototypes = M.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.versionHandler = new VersionHandler(this);
        this.templateHandler = new TemplateHandler(this);
        this.projectHandler = new ProjectHandler(this);
        this.drawingHandler = new DrawingHandler(this);
        this.snapshotHandler = new SnapshotHandler(this);
        this.nodeHandler = new NodeHandler(this);
        this.linkHandler = new LinkHandler(this);
        this.notificationHandler = new NotificationHandler(this);
        reset();
    }

    /** Every HTTP route, in the order Vert.x matches them. */
    Router router() {
        Routes routes = new Routes(vertx, faults, counts);
        versionHandler.routes(routes);
        templateHandler.routes(routes);
        projectHandler.routes(routes);
        drawingHandler.routes(routes);
        snapshotHandler.routes(routes);
        nodeHandler.routes(routes);
        linkHandler.routes(routes);
        return routes.router();
    }

    /** Consoles of started VPCS nodes listen on {@code host}. */
    void consolesOn(String host) {
        this.consoles = new VpcsConsoles(vertx, this, host);
    }

    VpcsConsoles consoles() {
        return consoles;
    }

    RequestCounts counts() {
        return counts;
    }

    Faults faults() {
        return faults;
    }

    void reset() {
        if (consoles != null) {
            consoles.closeAll();
        }
        projects.clear();
        templateHandler.reset();
        nodeHandler.reset();
    }

    // ------------------------------------------------------------------ for the server, archives and consoles

    /** The computes: {@code local}, then {@code compute2}, {@code compute3}… up to {@code count}. */
    void computes(int count) {
        versionHandler.computes(count);
    }

    List<String> computeIds() {
        return versionHandler.computeIds();
    }

    ObjectNode compute() {
        return versionHandler.compute("local");
    }

    ObjectNode compute(String id) {
        return versionHandler.compute(id);
    }

    Model.Project newProject(String projectId, String name) {
        return projectHandler.newProject(projectId, name);
    }

    Model.Project open(Model.Project p) {
        return projectHandler.open(p);
    }

    void close(Model.Project p) {
        projectHandler.close(p);
    }

    String uniqueProjectName(String name) {
        return projectHandler.uniqueProjectName(name);
    }

    ObjectNode topologyFile(Model.Project p) {
        return projectHandler.topologyFile(p);
    }

    Model.Node newNode(Model.Project p, String type, String templateId, String requestedName, ObjectNode request) {
        return nodeHandler.newNode(p, type, templateId, requestedName, request);
    }

    Model.Link newLink(Model.Project p, ObjectNode body) {
        return linkHandler.newLink(p, body);
    }

    /** Appends pcap records to a capturing link's file and open streams. */
    void capture(Model.Project p, Model.Link l, byte[] records) {
        linkHandler.capture(p, l, records);
    }
}
