package dev.labfleet.project.domain;

/** A lab's state as Labfleet knows it: GNS3's opened/closed, plus what only a fleet view can tell. */
public enum ProjectStatus {
    /** Open on its GNS3 server: nodes can be created and started. */
    OPENED,
    /** Closed on its GNS3 server (GNS3 auto-closes idle projects). */
    CLOSED,
    /** No longer on its GNS3 server (deleted there, or the server lost it); kept here until deleted. */
    MISSING;

    public static ProjectStatus fromGns3(String status) {
        return "opened".equalsIgnoreCase(status) ? OPENED : CLOSED;
    }
}
