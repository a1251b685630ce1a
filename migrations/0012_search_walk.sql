-- btree_gin: GIN indexes that hold the organization and customer beside the words and identifier
-- trigrams, so a search is narrowed to its scope inside one index scan (a trusted extension, like
-- pg_trgm in 0009).
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
CREATE TABLE "search_words" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid,
	"order_id" uuid,
	"document_id" uuid,
	"published" boolean NOT NULL,
	"superseded" boolean NOT NULL,
	"doc_class" text,
	"cert_type" text,
	"grade_family" text,
	"grade_keys" text[] NOT NULL,
	"issue_date" date,
	"issue_year" integer,
	"title_tsv" "tsvector" NOT NULL,
	"words" "tsvector" NOT NULL
);
--> statement-breakpoint
DROP INDEX "search_entries_words";--> statement-breakpoint
DROP INDEX "search_entries_recent";--> statement-breakpoint
DROP INDEX "search_entries_recent_published";--> statement-breakpoint
DROP INDEX "search_entries_title_tsv";--> statement-breakpoint
ALTER TABLE "search_entries" ADD COLUMN "identifiers_compact" text GENERATED ALWAYS AS (regexp_replace(identifiers, '[^[:alnum:] ]', '', 'g')) STORED;--> statement-breakpoint
ALTER TABLE "search_words" ADD CONSTRAINT "search_words_id_search_entries_id_fk" FOREIGN KEY ("id") REFERENCES "public"."search_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "search_words" ADD CONSTRAINT "search_words_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_words_recent" ON "search_words" USING btree ("org_id","issue_date" DESC NULLS LAST,"id") WHERE not "search_words"."superseded";--> statement-breakpoint
CREATE INDEX "search_words_recent_published" ON "search_words" USING btree ("org_id","customer_id","issue_date" DESC NULLS LAST,"id") WHERE "search_words"."published" and not "search_words"."superseded";--> statement-breakpoint
CREATE INDEX "search_entries_words_scoped" ON "search_entries" USING gin ("org_id","customer_id","words");
--> statement-breakpoint
-- The words stay in line (compressed only when a row would not fit a page otherwise): walking an
-- entry must not cost a TOAST index lookup and a second heap read.
ALTER TABLE "search_words" ALTER COLUMN "words" SET STORAGE MAIN;
--> statement-breakpoint
ALTER TABLE "search_words" ALTER COLUMN "title_tsv" SET STORAGE MAIN;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON search_words TO arkiv_app;
--> statement-breakpoint
REVOKE TRUNCATE ON search_words FROM arkiv_app;
--> statement-breakpoint
ALTER TABLE search_words ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON search_words
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR (customer_id = arkiv_customer() AND published))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
-- Entries indexed before this migration, newest first (the order walks read them in).
INSERT INTO search_words (id, org_id, customer_id, order_id, document_id, published, superseded, doc_class, cert_type,
                          grade_family, grade_keys, issue_date, issue_year, title_tsv, words)
  SELECT id, org_id, customer_id, order_id, document_id, published, superseded, doc_class, cert_type,
         grade_family, grade_keys, issue_date, issue_year, title_tsv, words
  FROM search_entries ORDER BY org_id, issue_date DESC NULLS LAST, id;
--> statement-breakpoint
-- The identifier infix index (0010) scoped the same way, over the stored compact identifiers.
DROP INDEX "search_entries_identifiers_compact";
--> statement-breakpoint
CREATE INDEX "search_entries_identifiers_scoped" ON "search_entries"
  USING gin ("org_id", "customer_id", "identifiers_compact" gin_trgm_ops);
