package dev.labfleet.common.problem;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bean Validation for free text ({@link Names#textProblem}): a description may span lines, but holds no NUL or other
 * control or invisible formatting character. Null is valid.
 */
@Documented
@Constraint(validatedBy = ValidText.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT,
        ElementType.TYPE_USE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidText {

    String message() default "is not valid text";

    /** The longest valid text, in characters. */
    int max();

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks a value with {@link Names#textProblem(String, int)}. */
    class Validator implements ConstraintValidator<ValidText, String> {

        private int max;

        @Override
        public void initialize(ValidText annotation) {
            max = annotation.max();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = Names.textProblem(value, max);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(ValidName.Validator.literal(problem))
                    .addConstraintViolation();
            return false;
        }
    }
}
