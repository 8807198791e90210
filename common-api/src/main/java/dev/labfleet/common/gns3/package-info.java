/**
 * Wire records of the gns3-gateway-service, shared with its callers.
 *
 * <p>Two families: the gateway's own resources (servers, health, placement) use camelCase JSON; the GNS3 views and
 * requests mirror GNS3 API v2 bodies, which the gateway passes through unchanged, so they use GNS3's snake_case
 * names ({@code project_id}, {@code node_id}, {@code adapter_number}) and ignore fields they do not model.
 */
package dev.labfleet.common.gns3;
