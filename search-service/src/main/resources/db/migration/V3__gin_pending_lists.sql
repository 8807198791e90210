-- V3: short GIN pending lists (#13 benchmark). With fastupdate on (PostgreSQL's default), new entries of a GIN index
-- go to an unsorted pending list until it reaches gin_pending_list_limit (4 MB by default, about 20,000 documents
-- here) and every search that uses the index reads that whole list: at 100,000 documents, while events arrive, a
-- prefix search's page statement took 9-30 ms with the list full and 2 ms once it was flushed, and each flush of a
-- 4 MB list held one consumer batch for up to 650 ms. A 256 kB list (about 1,250 documents) keeps the cheap batched
-- inserts (measured: the same per-document insert time as with 4 MB; fastupdate off cost 1.5-2x) while a search reads
-- at most a sixteenth of what it did and a flush is as much shorter. Storage parameters only: nothing is rebuilt; a
-- longer list already there is flushed by the next insert or vacuum.
ALTER INDEX search_document_tsv SET (gin_pending_list_limit = 256);
ALTER INDEX search_document_labels SET (gin_pending_list_limit = 256);
ALTER INDEX search_document_name_trgm SET (gin_pending_list_limit = 256);
