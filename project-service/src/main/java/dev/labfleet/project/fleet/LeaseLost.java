package dev.labfleet.project.fleet;

import java.util.UUID;

/** Another replica holds a durable fleet job (a move, a class copy) now: this one stops touching it. */
final class LeaseLost extends RuntimeException {

    LeaseLost(String job, UUID id) {
        super(job + " " + id + " was taken over by another replica", null, false, false);
    }
}
