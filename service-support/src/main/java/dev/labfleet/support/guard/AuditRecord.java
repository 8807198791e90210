package dev.labfleet.support.guard;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * The data of a {@code lab.audit.request-recorded} event: who did what to which object, and how it ended.
 *
 * @param id            the record's id (the CloudEvent's id too)
 * @param at            when the answer was sent
 * @param service       the service that answered ({@code project}, {@code gateway}...)
 * @param principal     the caller's name, {@code anonymous} without a valid token
 * @param authenticated whether the caller presented a valid identity
 * @param method        the HTTP method
 * @param path          the request path, without its query (which may carry tickets)
 * @param routeClass    {@code reads}, {@code writes} or {@code expensive}
 * @param objectType    the collection of the object the path names ({@code nodes}, {@code projects}...), if any
 * @param objectId      that object's id, if any
 * @param projectId     the lab the path names, if any (the Kafka key)
 * @param status        the HTTP status answered
 * @param outcome       {@code succeeded}, {@code rejected} (another 4xx), {@code failed} (5xx),
 *                      {@code unauthenticated} (401), {@code forbidden} (403), {@code rate-limited} (429) or
 *                      {@code banned}
 * @param address       the client address
 * @param traceId       the request's trace id, as in its logs and problem details
 * @param durationMs    the time from the request to the end of the answer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(String id, Instant at, String service, String principal, boolean authenticated,
                          String method, String path, String routeClass, String objectType, String objectId,
                          String projectId, int status, String outcome, String address, String traceId,
                          long durationMs) {
}
