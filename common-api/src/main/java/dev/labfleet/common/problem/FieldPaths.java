package dev.labfleet.common.problem;

import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;

/** Field paths as a client writes them ({@code nodes[2].name}), for problems' details and violations. */
public final class FieldPaths {

    private FieldPaths() {
    }

    /**
     * The path of a violation as a client sees it: {@code nodes[2].name} for a body field,
     * the parameter name for a query or path parameter; the Java method name is dropped.
     */
    public static String of(Path path) {
        StringBuilder out = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (kind == ElementKind.PARAMETER || kind == ElementKind.CROSS_PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.isInIterable()) {
                if (node.getIndex() != null) {
                    out.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    out.append('[').append(node.getKey()).append(']');
                }
            }
            if (node.getName() != null && kind != ElementKind.CONTAINER_ELEMENT) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(node.getName());
            }
        }
        if (out.isEmpty()) {
            return parameter == null ? "" : parameter;
        }
        return out.toString();
    }


    /** The field path of a Jackson mapping error as a client writes it: {@code nodes[2].name}. */
    public static String of(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            }
        }
        return out.toString();
    }
}
