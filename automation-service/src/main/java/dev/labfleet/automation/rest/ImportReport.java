package dev.labfleet.automation.rest;

import java.util.List;

/** What an import did, by script name. */
public record ImportReport(List<String> created, List<String> updated, List<String> unchanged) {
}
