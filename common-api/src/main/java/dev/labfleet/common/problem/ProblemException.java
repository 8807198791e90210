package dev.labfleet.common.problem;

/**
 * Thrown (or failed through a {@code Uni}) by services to answer with a precise problem; the shared mapper turns
 * it into the response. Resources never build error responses by hand.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Integer retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, null, null);
    }

    public ProblemException(Problem problem, Integer retryAfterSeconds, Throwable cause) {
        super(problem.detail(), cause, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(ProblemTypes.NOT_FOUND, detail));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(ProblemTypes.CONFLICT, detail));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(ProblemTypes.BAD_REQUEST, detail));
    }

    /** A 400 validation problem on one field, e.g. a query parameter that is not a UUID. */
    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.of(ProblemTypes.VALIDATION, field + ": " + message)
                .withViolations(java.util.List.of(new Problem.Violation(field, message))));
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(Problem.of(ProblemTypes.UPSTREAM_UNAVAILABLE, detail), retryAfterSeconds, null);
    }

    public static ProblemException timeout(String detail) {
        return new ProblemException(Problem.of(ProblemTypes.UPSTREAM_TIMEOUT, detail));
    }

    public static ProblemException upstream(String detail) {
        return new ProblemException(Problem.of(ProblemTypes.UPSTREAM_ERROR, detail));
    }
}
