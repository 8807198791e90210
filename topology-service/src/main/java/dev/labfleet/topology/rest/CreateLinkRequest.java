package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.service.NewLink;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.UUID;

/**
 * A link between two free ports.
 *
 * @param linkId optional, for safe retries: a create repeated with the same id answers the link made the first time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(examples = "{\"a\": \"PC1:e0\", \"b\": \"SW1:e3\", \"conditions\": {\"delay\": 40, \"jitter\": 5}}")
public record CreateLinkRequest(
        UUID linkId,
        @NotNull @Valid LinkEndRequest a,
        @NotNull @Valid LinkEndRequest b,
        @Valid LinkConditionsRequest conditions,
        Boolean suspend) {

    /** The service's link; a 400 on {@code conditions.jitter} when jitter comes without delay. */
    public NewLink toNewLink() {
        return new NewLink(linkId, a.toEnd(), b.toEnd(),
                conditions == null ? null : conditions.toConditions("conditions."), suspend);
    }
}
