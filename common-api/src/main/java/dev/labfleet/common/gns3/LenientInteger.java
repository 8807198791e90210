package dev.labfleet.common.gns3;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Reads an integer that GNS3 answered, tolerantly: a value beyond 32 bits, a fraction, a string or any other JSON
 * type is read as null (unknown) instead of failing the whole object. GNS3 stores whatever any of its clients sent
 * (its schemas say "integer" without bounds), so a lab must stay readable when one field holds an odd value.
 * Requests are checked strictly before they reach GNS3; this is for what comes back.
 */
public final class LenientInteger extends StdDeserializer<Integer> {

    private static final BigInteger MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    public LenientInteger() {
        super(Integer.class);
    }

    @Override
    public Integer deserialize(JsonParser in, DeserializationContext context) throws IOException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return switch (in.getNumberType()) {
                case INT -> in.getIntValue();
                case LONG -> {
                    long value = in.getLongValue();
                    yield value == (int) value ? (int) value : null;
                }
                default -> {
                    BigInteger value = in.getBigIntegerValue();
                    yield value.compareTo(MIN) >= 0 && value.compareTo(MAX) <= 0 ? value.intValue() : null;
                }
            };
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            double value = in.getDoubleValue();
            return value == Math.rint(value) && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
                    ? (int) value : null;
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Integer.valueOf(in.getText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        in.skipChildren(); // an object or array where a number belongs: skipped whole
        return null;
    }

    /** The same rule for a value already read as a tree: the int, or null when it is none or out of range. */
    public static Integer of(com.fasterxml.jackson.databind.JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToInt() ? value.intValue() : null;
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (int) d : null;
        }
        if (value.isTextual()) {
            try {
                return Integer.valueOf(value.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
