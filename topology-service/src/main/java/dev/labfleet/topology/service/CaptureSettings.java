package dev.labfleet.topology.service;

/**
 * Optional settings of a capture; null fields take GNS3's defaults.
 *
 * @param captureFileName GNS3's default is {@code <node>_<port>_to_<node>_<port>.pcap}
 * @param dataLinkType    {@code DLT_EN10MB} (Ethernet, the default) or another link type the link supports
 */
public record CaptureSettings(String captureFileName, String dataLinkType) {
}
