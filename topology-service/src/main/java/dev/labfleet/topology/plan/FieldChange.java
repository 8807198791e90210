package dev.labfleet.topology.plan;

/**
 * One field that differs between GNS3 and the spec.
 *
 * @param field a path: {@code x}, {@code name}, {@code properties.adapters}, {@code filters.delay}, {@code suspend}
 * @param from  the live value (null: absent)
 * @param to    the spec's value (null: absent)
 */
public record FieldChange(String field, Object from, Object to) {

    /** {@code x 10→20}. */
    public String describe() {
        return field + " " + show(from) + "→" + show(to);
    }

    static String show(Object value) {
        return value == null ? "none" : value.toString();
    }
}
