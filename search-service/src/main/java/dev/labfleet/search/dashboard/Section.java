package dev.labfleet.search.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One section of a dashboard.
 *
 * @param status {@code ok}; {@code unavailable} when its source failed or did not answer within its timeout
 *               ({@code reason} says which and why); {@code empty} when no source offers it yet
 * @param source where its figures come from: {@code index}, a service name, or {@code kafka}
 * @param data   the figures
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Section(String status, String source, String reason, Object data) {

    public static Section ok(String source, Object data) {
        return new Section("ok", source, null, data);
    }

    public static Section unavailable(String source, String reason) {
        return new Section("unavailable", source, reason, null);
    }

    public static Section empty(String source, String reason) {
        return new Section("empty", source, reason, null);
    }
}
