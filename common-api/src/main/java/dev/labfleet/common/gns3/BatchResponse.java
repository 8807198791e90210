package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** The results of a batch, in the order of its operations. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchResponse(int succeeded, int failed, List<BatchResult> results) {
}
