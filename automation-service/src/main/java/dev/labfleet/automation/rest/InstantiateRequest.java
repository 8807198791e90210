package dev.labfleet.automation.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A new script from a template: the template's body, kind, filter and assertions, with {@code variables} bound
 * (checked against their types, and kept as the new script's defaults).
 */
public record InstantiateRequest(String name, String description, Map<String, JsonNode> variables) {
}
