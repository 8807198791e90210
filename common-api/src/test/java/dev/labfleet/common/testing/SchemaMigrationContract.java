package dev.labfleet.common.testing;

import jakarta.enterprise.inject.spi.CDI;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's schema migrations (Flyway, {@code src/main/resources/db/migration}), checked against its real test
 * database by each service's {@code @QuarkusTest} (through {@link ServiceBasicsContract}).
 * <p>
 * The service itself started on an empty database: common-api's test profile cleans it, Flyway migrates it and
 * Hibernate validates its entities against the result, so a missing migration fails every test of the module. These
 * checks add what a start alone does not show, each in a schema of its own that is dropped afterwards:
 * <ul>
 * <li>an empty database migrated from scratch ends with the very schema the service runs on;</li>
 * <li>a database at the previous release's schema (V1: the schema Hibernate generated before Flyway came, the
 * previous release being the commit before migrations were introduced) upgrades to the current schema, both when
 * Flyway's history says V1 and when there is no history at all (a database Hibernate created: Flyway baselines it at
 * V1, as the service is configured to do);</li>
 * </ul>
 */
public interface SchemaMigrationContract {

    /** The previous release's schema version: every later migration must upgrade it. */
    String PREVIOUS_RELEASE = "1";

    @Test
    default void startMigratedTheDatabaseToTheLatestVersion() {
        Flyway flyway = CDI.current().select(Flyway.class).get();
        MigrationInfo[] all = flyway.info().all();
        assertThat(all).as("this service's migrations").isNotEmpty();
        assertThat(flyway.info().pending()).as("migrations left pending after start").isEmpty();
        for (MigrationInfo info : all) {
            assertThat(info.getState()).as("state of %s", info.getScript())
                    .isIn(MigrationState.SUCCESS, MigrationState.BASELINE);
        }
        assertThat(flyway.info().current().getVersion()).isEqualTo(latest(flyway));
    }

    @Test
    default void anEmptyDatabaseMigratesToTheSchemaTheServiceRunsOn() throws SQLException {
        String schema = scratchSchema("empty");
        try {
            flyway(schema).load().migrate();
            assertThat(catalogue(schema)).as("schema migrated from empty vs the schema this service started on")
                    .containsExactlyElementsOf(catalogue("public"));
        } finally {
            drop(schema);
        }
    }

    @Test
    default void thePreviousReleaseSchemaUpgradesToTheCurrentOne() throws SQLException {
        String schema = scratchSchema("previous");
        try {
            flyway(schema).target(PREVIOUS_RELEASE).load().migrate();
            assertThat(flyway(schema).load().info().current().getVersion())
                    .isEqualTo(MigrationVersion.fromVersion(PREVIOUS_RELEASE));
            flyway(schema).load().migrate();
            assertThat(catalogue(schema)).as("schema upgraded from V%s vs the schema this service started on",
                    PREVIOUS_RELEASE).containsExactlyElementsOf(catalogue("public"));
        } finally {
            drop(schema);
        }
    }

    @Test
    default void aDatabaseHibernateCreatedBeforeFlywayIsBaselinedAndUpgraded() throws SQLException {
        String schema = scratchSchema("hibernate");
        try {
            // the previous release's schema without Flyway's history: what schema-management "update" left behind
            flyway(schema).target(PREVIOUS_RELEASE).load().migrate();
            execute("DROP TABLE " + schema + ".flyway_schema_history");

            Flyway flyway = flyway(schema).load();
            assertThat(flyway.getConfiguration().isBaselineOnMigrate()).as("quarkus.flyway.baseline-on-migrate").isTrue();
            assertThat(flyway.getConfiguration().getBaselineVersion())
                    .isEqualTo(MigrationVersion.fromVersion(PREVIOUS_RELEASE));
            flyway.migrate();

            MigrationInfo[] applied = flyway.info().applied();
            assertThat(applied[0].getState()).isEqualTo(MigrationState.BASELINE);
            assertThat(applied[0].getVersion()).isEqualTo(MigrationVersion.fromVersion(PREVIOUS_RELEASE));
            assertThat(flyway.info().current().getVersion()).isEqualTo(latest(flyway));
            assertThat(catalogue(schema)).as("baselined and upgraded schema vs the schema this service started on")
                    .containsExactlyElementsOf(catalogue("public"));
        } finally {
            drop(schema);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** This service's Flyway settings (locations, baseline) pointed at another schema, over a connection of its own. */
    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String schema) {
        Flyway app = CDI.current().select(Flyway.class).get();
        Config config = ConfigProvider.getConfig();
        return Flyway.configure(Thread.currentThread().getContextClassLoader())
                .configuration(app.getConfiguration())
                .dataSource(config.getValue("quarkus.datasource.jdbc.url", String.class),
                        config.getValue("quarkus.datasource.username", String.class),
                        config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null))
                .schemas(schema).defaultSchema(schema)
                .cleanDisabled(true);
    }

    private static MigrationVersion latest(Flyway flyway) {
        MigrationInfo[] all = flyway.info().all();
        return all[all.length - 1].getVersion();
    }

    private static String scratchSchema(String purpose) {
        return "mig_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Connection connect() throws SQLException {
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void drop(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    /**
     * A schema's tables, columns (type, nullability, default, identity, generation), sequences, constraints and
     * indexes as sorted lines, with the schema's name taken out so two schemas compare; Flyway's history is left out.
     */
    private static List<String> catalogue(String schema) throws SQLException {
        String s = "'" + schema + "'";
        List<String> lines = new ArrayList<>();
        lines.addAll(query("SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name"
                + " || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-')"
                + " || ' identity=' || is_identity || ' generated=' || coalesce(generation_expression, '-')"
                + " || ' length=' || coalesce(character_maximum_length::text, '-')"
                + " || ' precision=' || coalesce(numeric_precision::text, '-') || ',' || coalesce(numeric_scale::text, '-')"
                + " FROM information_schema.columns WHERE table_schema = " + s
                + " AND table_name <> 'flyway_schema_history'"));
        lines.addAll(query("SELECT 'sequence ' || sequence_name || ' ' || data_type || ' start=' || start_value"
                + " || ' increment=' || increment FROM information_schema.sequences WHERE sequence_schema = " + s));
        lines.addAll(query("SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' '"
                + " || pg_get_constraintdef(con.oid) FROM pg_constraint con"
                + " JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace"
                + " WHERE n.nspname = " + s + " AND rel.relname <> 'flyway_schema_history'"));
        lines.addAll(query("SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = " + s
                + " AND tablename <> 'flyway_schema_history'"));
        List<String> normalised = new ArrayList<>();
        for (String line : lines) {
            String l = line.replace(schema + ".", "").replace("public.", "");
            if (l.startsWith("constraint ")) {
                l = equivalentCasts(l);
            }
            normalised.add(l);
        }
        normalised.sort(null);
        return normalised;
    }

    /**
     * PostgreSQL writes one CHECK two ways: {@code (ARRAY['A'::character varying])::text[]} as Hibernate's DDL left
     * it, {@code ARRAY[('A'::character varying)::text]} when it parses that same text again (as a migration does).
     * Both test the same thing: the casts and parentheses go, the values and operators stay.
     */
    private static String equivalentCasts(String constraint) {
        return constraint.replace("::character varying", "").replace("::text[]", "").replace("::text", "")
                .replace("(", "").replace(")", "").replace(" ", "");
    }
}
