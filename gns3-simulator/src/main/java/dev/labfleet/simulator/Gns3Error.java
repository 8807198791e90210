package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error answered the way GNS3 answers it: a status and a {@code {"message","status"}} body (or a richer one). */
final class Gns3Error extends RuntimeException {

    final int status;
    final transient ObjectNode body;

    Gns3Error(int status, String message) {
        this(status, message, null);
    }

    Gns3Error(int status, String message, ObjectNode body) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
    }

    static Gns3Error notFound(String message) {
        return new Gns3Error(404, message);
    }

    static Gns3Error conflict(String message) {
        return new Gns3Error(409, message);
    }

    /** GNS3's 500 shape with a neutral message: where GNS3 itself crashes, and for simulator bugs. */
    static Gns3Error internal() {
        return new Gns3Error(500, "Internal server error");
    }
}
