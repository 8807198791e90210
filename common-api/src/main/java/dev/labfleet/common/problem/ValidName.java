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
 * Bean Validation for {@link Names}' rule: a request field or parameter that is a name. Null is valid (combine with
 * {@code @NotNull} where a name is required); the violation's message says exactly what is wrong.
 */
@Documented
@Constraint(validatedBy = ValidName.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT,
        ElementType.TYPE_USE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidName {

    String message() default "is not a valid name";

    /** The longest valid name, in characters. */
    int max() default Names.MAX_LENGTH;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks a value with {@link Names#problem(String, int)}. */
    class Validator implements ConstraintValidator<ValidName, String> {

        private int max = Names.MAX_LENGTH;

        @Override
        public void initialize(ValidName annotation) {
            max = annotation.max();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            String problem = Names.problem(value, max);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(literal(problem)).addConstraintViolation();
            return false;
        }

        /** A message template that reads as the text itself: no Expression Language, no parameters. */
        static String literal(String message) {
            return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        }
    }
}
