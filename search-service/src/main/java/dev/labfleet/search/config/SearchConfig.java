package dev.labfleet.search.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** search-service's own settings ({@code labfleet.search.*}). */
@ConfigMapping(prefix = "labfleet.search")
public interface SearchConfig {

    /** Rebuild the index from the services' APIs at start when it holds no document. */
    @WithDefault("true")
    boolean reindexOnEmpty();

    /** Queries. */
    Query query();

    /** Where the other services answer (reindex sources and dashboard figures). */
    Sources sources();

    /** Dashboards and their cache. */
    Dashboards dashboards();

    /** Search history. */
    History history();

    /** The read-only GraphQL endpoint ({@code /graphql}). */
    Graphql graphql();

    /** How the topic consumers wait out an index they cannot write (the database away). */
    Consumers consumers();

    /**
     * A poll's batch that cannot be written is retried in place, unacknowledged (the partition keeps its order),
     * with pauses growing to {@link #maxBackoff()}; after {@link #giveUpAfter()} its records go to the channel's
     * dead-letter topic ({@code labfleet.dlq.search-service.<channel>}), never acknowledged and dropped.
     */
    interface Consumers {
        @WithDefault("50ms")
        Duration firstBackoff();

        @WithDefault("10s")
        Duration maxBackoff();

        @WithDefault("5m")
        Duration giveUpAfter();
    }

    interface Graphql {
        /**
         * Deepest accepted selection (a root field is depth 1; {@code labs { items { nodes { items { name } } } }}
         * is 5). Deeper documents are refused with a 400 problem before anything runs. Introspection
         * ({@code __schema}, {@code __type}) is exempt: it reads no data.
         */
        @WithDefault("6")
        int maxDepth();

        /** Most fields in one document, fragments counted each time they are spread. */
        @WithDefault("200")
        int maxComplexity();

        /** Largest accepted request body in bytes (1 MiB); larger is a 413 problem. */
        @WithDefault("1048576")
        long maxBodySize();
    }

    interface Query {
        /** Longest accepted {@code q}, in characters; longer is a 400. */
        @WithDefault("512")
        int maxLength();

        /** Most terms (words, phrases, filters) in one query. */
        @WithDefault("24")
        int maxTerms();

        /** Statement timeout of one search, so no query can hold a connection for long. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * Most matches a search counts for its {@code total} and facets. A query matching more (a one-letter prefix
         * at a million documents) counts the first this many the index yields and says so ({@code totalExact} and
         * {@code facetsTruncated}), so that counting stays bounded whatever the query; the hits themselves are
         * ranked and paged over every match.
         */
        @WithDefault("5000")
        int countLimit();
    }

    interface Sources {
        /** gns3-gateway-service. */
        @WithDefault("http://127.0.0.1:8081")
        String gateway();

        /** project-service. */
        @WithDefault("http://127.0.0.1:8082")
        String project();

        /** topology-service. */
        @WithDefault("http://127.0.0.1:8083")
        String topology();

        /** automation-service. */
        @WithDefault("http://127.0.0.1:8084")
        String automation();

        /** monitoring-service. */
        @WithDefault("http://127.0.0.1:8085")
        String monitoring();

        /** Time one call to another service may take (a page of a reindex, a dashboard figure). */
        @WithDefault("2s")
        Duration timeout();

        /** Labs whose nodes and links a reindex reads at once. */
        @WithDefault("4")
        int reindexConcurrency();
    }

    interface Dashboards {
        /** Each source's share of a dashboard answer; a slower source's section is {@code unavailable}. */
        @WithDefault("1500ms")
        Duration sourceTimeout();

        /** Age after which a cached dashboard is refreshed in the background (readers still get it, with its age). */
        @WithDefault("10s")
        Duration freshFor();

        /**
         * Shortest time between two refreshes of a dashboard caused by index changes: while events stream in, a
         * dashboard is recomputed at most this often (readers get the previous figures marked stale meanwhile).
         */
        @WithDefault("1s")
        Duration refreshAfterChange();

        /** How long the in-process tier keeps an answer. */
        @WithDefault("2s")
        Duration localTtl();

        /** How long Redis keeps an answer (served stale while it is refreshed). */
        @WithDefault("5m")
        Duration redisTtl();

        /** How often the four fleet dashboards are recomputed ahead of readers; 0 turns warming off. */
        @WithDefault("15s")
        Duration warmEvery();

        /** Redis key prefix. */
        @WithDefault("labfleet:search:")
        String keyPrefix();

        /** Kafka consumer groups whose lag the system dashboard shows. */
        @WithDefault("search-service,project-service,topology-service,monitoring-service,automation-service")
        java.util.List<String> consumerGroups();

        /** Services whose health the system dashboard shows; defaults to every source above. */
        Optional<java.util.List<String>> services();
    }

    interface History {
        /** Queries kept per user. */
        @WithDefault("50")
        int perUser();
    }
}
