DROP INDEX "search_entries_tsv";--> statement-breakpoint
ALTER TABLE "search_entries" ADD COLUMN "words" "tsvector" GENERATED ALWAYS AS (strip(tsv)) STORED;--> statement-breakpoint
CREATE INDEX "documents_export_controlled" ON "documents" USING btree ("org_id","id") WHERE "documents"."export_controlled";--> statement-breakpoint
CREATE INDEX "search_entries_words" ON "search_entries" USING gin ("words");--> statement-breakpoint
-- The stripped words live out of line like the tsvector (one TOAST chunk of ~1.5 kB instead of
-- two), so the heap stays small enough to stay in shared buffers: identifier and filter searches
-- read random heap rows, and a heap three times larger sent them to disk. A broad query walks the
-- newest entries only, whose words chunks stay cached. Entries written before this migration move
-- out of line when next written (`arkiv search reindex` rewrites them all).
ALTER TABLE "search_entries" ALTER COLUMN "words" SET STORAGE EXTERNAL;
