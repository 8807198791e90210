package dev.labfleet.automation.service;

/** What one node's console printed, capped: past the cap, one line says where it was cut. */
public final class Transcript {

    private final StringBuilder text = new StringBuilder();
    private final int max;
    private boolean truncated;

    public Transcript(int max) {
        this.max = max;
    }

    /** Appends what fits; answers what was kept of {@code chunk} (with the cut notice when the cap is hit). */
    public synchronized String append(String chunk) {
        if (truncated || chunk.isEmpty()) {
            return "";
        }
        int room = max - text.length();
        if (chunk.length() <= room) {
            text.append(chunk);
            return chunk;
        }
        truncated = true;
        String kept = chunk.substring(0, Math.max(0, room)) + "\n[transcript cut at " + max
                + " characters (labfleet.automation.execution.transcript-max-chars)]\n";
        text.append(kept);
        return kept;
    }

    public synchronized String text() {
        return text.toString();
    }

    public synchronized boolean truncated() {
        return truncated;
    }
}
