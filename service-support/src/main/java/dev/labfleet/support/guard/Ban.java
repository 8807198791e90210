package dev.labfleet.support.guard;

import java.time.Instant;

/**
 * An address banned for repeated authentication failures (or by an admin).
 *
 * @param address  the client address
 * @param since    when the ban began
 * @param until    when it ends by itself
 * @param failures the authentication failures that led to it (0 for a ban set by hand)
 * @param service  the service that saw the last failure
 */
public record Ban(String address, Instant since, Instant until, int failures, String service) {
}
