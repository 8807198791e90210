package dev.labfleet.support.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Every service's JSON reader refuses a body that holds more than one JSON value ({@code {"a":1}{"b":2}}): Jackson
 * would read the first and silently drop the rest, so a route whose members are all optional took a garbled body as
 * valid (found by the e2e fuzz suite on the gateway's {@code POST /api/v1/placements}). The refusal is a 400
 * malformed-request problem (common-api's {@code JsonProblems}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
