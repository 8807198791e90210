-- V4: the tsvector holds exactly the terms Terms.java made, as the query does. Until V3 it was
-- to_tsvector('simple', <the terms joined by spaces>), and PostgreSQL's parser splits some of those terms again:
-- 88e7bd5be9 (a lab's hex suffix) became 88e7 (a number with an exponent) and bd5be9, 10e3x became 10e3 and x. The
-- query side casts its own quoted terms to tsquery (QueryParser: no parsing there), so it looked up 88e7bd5be9 and
-- never found it, nor a prefix such as 88e7bd. Now each space-separated term is one lexeme at its own position (so
-- phrases still need adjacent terms), weighted A/B/C as before (name:, ranking): index and query split text once, in
-- Java. No stemming or stop words, as with 'simple'.
--
-- plpgsql rather than a SQL function over unnest(): a generated column evaluates it for every written row, and the
-- loop costs about 4 us more per document than to_tsvector did (the SQL form about 14 us).
CREATE OR REPLACE FUNCTION search_terms_tsvector(terms text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  lexemes text := '';
  term text;
  n int := 0;
BEGIN
  IF terms IS NULL THEN
    RETURN ''::tsvector;
  END IF;
  -- a term never holds a quote or a backslash (letters, digits, '.', '/'), but the literal stays well-formed if
  -- one did; positions above 16383 and lexemes with more than 256 positions are capped by tsvector's input, as
  -- to_tsvector caps them
  FOREACH term IN ARRAY string_to_array(terms, ' ') LOOP
    n := n + 1;
    IF term <> '' THEN
      lexemes := lexemes || '''' || replace(replace(term, '\', '\\'), '''', '''''') || ''':' || n || ' ';
    END IF;
  END LOOP;
  RETURN lexemes::tsvector;
END
$$;

-- PostgreSQL 15 cannot change a generated column's expression: the column (and its GIN index) is dropped and added
-- again, which recomputes it for every existing row (the table is rewritten under an exclusive lock, once, as the
-- service starts: 4.5 s for 100,000 documents on a development machine). The index is created as V1 and V3 left it.
ALTER TABLE search_document DROP COLUMN tsv;
ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(search_terms_tsvector(name_terms), 'A')
    || setweight(search_terms_tsvector(tag_terms), 'B')
    || setweight(search_terms_tsvector(body_terms), 'C')) STORED;
CREATE INDEX search_document_tsv ON search_document USING gin (tsv) WITH (gin_pending_list_limit = 256)
  WHERE NOT deleted;
