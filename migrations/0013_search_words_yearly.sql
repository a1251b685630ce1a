-- The scoped words index gains the issue year (btree_gin), so a word too sparse for a walk is read
-- year by year from the newest (search/postgres-search-sql.ts, `newestTextMatches`) instead of
-- all its matches at once. It serves every query the old index served.
DROP INDEX "search_entries_words_scoped";--> statement-breakpoint
CREATE INDEX "search_entries_words_yearly" ON "search_entries" USING gin ("org_id","customer_id","issue_year","words");
