package dev.labfleet.common.event;

/** Kafka topic names. Every record is keyed by GNS3 project id (or server id when no project applies). */
public final class Topics {

    /** Raw GNS3 notifications bridged by the gateway, plus its resync and health events. */
    public static final String GNS3_EVENTS = "gns3.events";
    /** Lab lifecycle events of project-service. */
    public static final String LAB_PROJECTS = "lab.projects";
    /** Topology events of topology-service. */
    public static final String LAB_TOPOLOGY = "lab.topology";
    /** Script and workflow execution events of automation-service. */
    public static final String LAB_AUTOMATION = "lab.automation";
    /** Health, traffic and anomaly events of monitoring-service. */
    public static final String LAB_MONITORING = "lab.monitoring";

    /** Audit events of every service (common-api's guard): mutating, denied and unauthenticated requests, bans. */
    public static final String LAB_AUDIT = "lab.audit";

    private Topics() {
    }
}
