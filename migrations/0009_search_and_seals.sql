-- Trigram matching for identifiers (heat, PO, certificate and tag numbers). A trusted extension
-- since PostgreSQL 13; PGlite loads it from its contrib bundle (archive/adapters/database.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "organization_seals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"cert_sha256" text NOT NULL,
	"chain_pem" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "search_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"customer_id" uuid,
	"order_id" uuid,
	"document_id" uuid,
	"revision_no" integer,
	"artifact_id" uuid NOT NULL,
	"extraction_id" uuid,
	"published" boolean DEFAULT false NOT NULL,
	"superseded" boolean DEFAULT false NOT NULL,
	"doc_class" text,
	"cert_type" text,
	"title" text,
	"document_number" text,
	"po_number" text,
	"grade" text,
	"grade_family" text,
	"grade_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"heat_numbers" text[] DEFAULT '{}'::text[] NOT NULL,
	"tag_numbers" text[] DEFAULT '{}'::text[] NOT NULL,
	"material_standards" text[] DEFAULT '{}'::text[] NOT NULL,
	"issue_date" date,
	"issue_year" integer,
	"identifiers" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"tsv" "tsvector" NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "extractions" ADD COLUMN "text" text;--> statement-breakpoint
ALTER TABLE "organization_seals" ADD CONSTRAINT "organization_seals_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "search_entries" ADD CONSTRAINT "search_entries_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organization_seals_org" ON "organization_seals" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "search_entries_key" ON "search_entries" USING btree ("org_id","key");--> statement-breakpoint
CREATE INDEX "search_entries_tsv" ON "search_entries" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "search_entries_identifiers" ON "search_entries" USING gin ("identifiers" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "search_entries_heats" ON "search_entries" USING gin ("heat_numbers");--> statement-breakpoint
CREATE INDEX "search_entries_grades" ON "search_entries" USING gin ("grade_keys");--> statement-breakpoint
CREATE INDEX "search_entries_scope" ON "search_entries" USING btree ("org_id","customer_id","order_id");--> statement-breakpoint
CREATE INDEX "search_entries_artifact" ON "search_entries" USING btree ("org_id","artifact_id");--> statement-breakpoint
-- The search index is a projection (rebuilt by the application); a seal is an organization's
-- own credential (revoked by timestamp, never deleted). Both are tenant-scoped (see 0003): a
-- customer user sees index entries of their own customer's published documents only, and no seal.
GRANT SELECT, INSERT, UPDATE, DELETE ON search_entries TO arkiv_app;
--> statement-breakpoint
REVOKE TRUNCATE ON search_entries FROM arkiv_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON organization_seals TO arkiv_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON organization_seals FROM arkiv_app;
--> statement-breakpoint
ALTER TABLE search_entries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON search_entries
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR (customer_id = arkiv_customer() AND published))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE organization_seals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON organization_seals
  USING (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
