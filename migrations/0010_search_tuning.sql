ALTER TABLE "search_entries" ADD COLUMN "title_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, ''))) STORED;--> statement-breakpoint
CREATE INDEX "search_entries_filters" ON "search_entries" USING btree ("org_id","doc_class","cert_type","issue_date") WHERE not "search_entries"."superseded";--> statement-breakpoint
CREATE INDEX "search_entries_recent" ON "search_entries" USING btree ("org_id","issue_date" DESC NULLS LAST,"id") WHERE not "search_entries"."superseded";--> statement-breakpoint
CREATE INDEX "search_entries_recent_published" ON "search_entries" USING btree ("org_id","customer_id","issue_date" DESC NULLS LAST,"id") WHERE "search_entries"."published" and not "search_entries"."superseded";--> statement-breakpoint
CREATE INDEX "search_entries_title_tsv" ON "search_entries" USING gin ("title_tsv");--> statement-breakpoint
-- Narrow heap rows: the body and the tsvector live out of line, uncompressed (so a snippet reads
-- only its slice of the body), and the row keeps only the short columns that filters, ranking and
-- facets read. A GIN match on plain words needs no recheck, so the tsvector is never fetched for
-- the matches; the heap a search walks shrinks from ~1.8 kB to a few hundred bytes per entry.
-- The target leaves room for the short columns, so only the body and the tsvector move out.
-- Existing entries move when next written (`arkiv search reindex` rewrites them all).
ALTER TABLE "search_entries" ALTER COLUMN "body" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "search_entries" ALTER COLUMN "tsv" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "search_entries" SET (toast_tuple_target = 1024);

--> statement-breakpoint
-- Identifier infixes without separators: pg_trgm splits words at a hyphen, so "21-4" through the
-- plain trigram index proposes every entry with a "21" and a "4"; typed "2143" must find "21-43567".
-- The expression must stay equal to COMPACT_IDENTIFIERS in search/postgres-search-sql.ts.
CREATE INDEX "search_entries_identifiers_compact" ON "search_entries" USING gin (regexp_replace("identifiers", '[^[:alnum:] ]', '', 'g') gin_trgm_ops);
