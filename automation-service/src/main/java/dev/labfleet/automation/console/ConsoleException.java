package dev.labfleet.automation.console;

/** A console session that could not go on: the reason is meant for a node's record, in plain words. */
public class ConsoleException extends RuntimeException {

    /** What went wrong, for the node's status: a timeout is {@code timed-out}, anything else {@code failed}. */
    public enum Reason { CONNECT, CLOSED, TIMEOUT }

    private final Reason reason;

    public ConsoleException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
