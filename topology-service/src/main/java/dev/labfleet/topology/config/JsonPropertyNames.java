package dev.labfleet.topology.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.inject.Singleton;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

import java.lang.reflect.Field;

/**
 * Bean Validation field paths as clients write them: a request record in GNS3's snake_case vocabulary
 * ({@code @JsonNaming(SnakeCaseStrategy)}, or {@code @JsonProperty}) reports {@code frequency_drop}, not
 * {@code frequencyDrop}. Quarkus hands this bean to Hibernate Validator.
 */
@Singleton
public class JsonPropertyNames implements PropertyNodeNameProvider {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    @Override
    public String getName(Property property) {
        String name = property.getName();
        if (!(property instanceof JavaBeanProperty bean)) {
            return name;
        }
        Class<?> type = bean.getDeclaringClass();
        try {
            Field field = type.getDeclaredField(name);
            JsonProperty explicit = field.getAnnotation(JsonProperty.class);
            if (explicit != null && !explicit.value().isEmpty()) {
                return explicit.value();
            }
        } catch (NoSuchFieldException ignored) {
            // a getter without a field: named by the class's strategy below
        }
        JsonNaming naming = type.getAnnotation(JsonNaming.class);
        if (naming != null && naming.value() == PropertyNamingStrategies.SnakeCaseStrategy.class) {
            return SNAKE.translate(name);
        }
        return name;
    }
}
