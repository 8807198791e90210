package dev.labfleet.topology.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.labfleet.common.problem.JsonProblems;
import dev.labfleet.common.problem.ProblemException;

/**
 * Reads and writes specs as JSON and YAML. Reading is strict (an unknown field is an error, so a misspelt
 * {@code postion} does not silently do nothing) and errors carry the line and column.
 */
public final class SpecCodec {

    /** Spec text formats. */
    public enum Format {
        JSON, YAML;

        /** YAML for {@code application/yaml}, {@code text/yaml}, {@code application/x-yaml}; JSON otherwise. */
        public static Format ofMediaType(String mediaType) {
            return mediaType != null && mediaType.toLowerCase(java.util.Locale.ROOT).contains("yaml") ? YAML : JSON;
        }
    }

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper YAML = configure(new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build()));

    private static final com.fasterxml.jackson.databind.ObjectWriter JSON_COMPACT =
            JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private SpecCodec() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /** A mapper for YAML documents that are not specs (containerlab files). */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    /**
     * Parses a spec.
     *
     * @throws ProblemException 400: malformed text (with line and column) or a field of the wrong type (with its path)
     */
    public static TopologySpec parse(String text, Format format) {
        return read(text, format, TopologySpec.class);
    }

    /** Parses any document of the given type with the same error reporting as {@link #parse}. */
    public static <T> T read(String text, Format format, Class<T> type) {
        if (text == null || text.isBlank()) {
            throw ProblemException.invalid("", "the document is empty");
        }
        try {
            T value = (format == Format.YAML ? YAML : JSON).readValue(text, type);
            if (value == null) {
                throw ProblemException.invalid("", "the document is empty");
            }
            return value;
        } catch (JsonProcessingException e) {
            // syntax errors (YAML's surface while mapping), wrong types and unknown fields alike
            throw unreadable(format, e);
        }
    }

    /** The value as JSON without indentation: for storage, where nobody reads it as text. */
    public static String compact(Object value) {
        try {
            return JSON_COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    public static String write(Object value, Format format) {
        try {
            return (format == Format.YAML ? YAML : JSON).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** Text that is not JSON or YAML, or a field of the wrong type: in the API's words ({@link JsonProblems}). */
    private static ProblemException unreadable(Format format, JsonProcessingException e) {
        return new ProblemException(JsonProblems.of(e, format.name()));
    }
}
