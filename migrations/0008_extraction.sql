CREATE TABLE "certificate_records" (
	"artifact_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"extraction_id" uuid NOT NULL,
	"doc_class" text,
	"cert_type" text,
	"document_number" text,
	"issue_date" date,
	"manufacturer" text,
	"purchaser" text,
	"po_number" text,
	"product" text,
	"grade" text,
	"material_standards" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "extractions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"job_id" uuid,
	"extractor_version" text NOT NULL,
	"doc_class" text,
	"cert_type" text,
	"source" text,
	"min_confidence" real,
	"result" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "field_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"extraction_id" uuid NOT NULL,
	"field" text NOT NULL,
	"action" text NOT NULL,
	"value" jsonb,
	"reviewer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "heat_numbers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"extraction_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"heat_number" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificate_records" ADD CONSTRAINT "certificate_records_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_records" ADD CONSTRAINT "certificate_records_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_records" ADD CONSTRAINT "certificate_records_extraction_id_extractions_id_fk" FOREIGN KEY ("extraction_id") REFERENCES "public"."extractions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extractions" ADD CONSTRAINT "extractions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extractions" ADD CONSTRAINT "extractions_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_reviews" ADD CONSTRAINT "field_reviews_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_reviews" ADD CONSTRAINT "field_reviews_extraction_id_extractions_id_fk" FOREIGN KEY ("extraction_id") REFERENCES "public"."extractions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat_numbers" ADD CONSTRAINT "heat_numbers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat_numbers" ADD CONSTRAINT "heat_numbers_extraction_id_extractions_id_fk" FOREIGN KEY ("extraction_id") REFERENCES "public"."extractions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat_numbers" ADD CONSTRAINT "heat_numbers_artifact_id_certificate_records_artifact_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."certificate_records"("artifact_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificate_records_po" ON "certificate_records" USING btree ("org_id","po_number");--> statement-breakpoint
CREATE INDEX "certificate_records_doc_no" ON "certificate_records" USING btree ("org_id","document_number");--> statement-breakpoint
CREATE INDEX "extractions_artifact" ON "extractions" USING btree ("org_id","artifact_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "extractions_job" ON "extractions" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "field_reviews_extraction" ON "field_reviews" USING btree ("org_id","extraction_id","created_at");--> statement-breakpoint
CREATE INDEX "heat_numbers_search" ON "heat_numbers" USING btree ("org_id","heat_number");--> statement-breakpoint
CREATE INDEX "heat_numbers_artifact" ON "heat_numbers" USING btree ("artifact_id");--> statement-breakpoint
-- Extractions and reviews are evidence: append-only (see 0001); a correction is a new review row.
-- certificate_records and heat_numbers are a projection of them, rebuilt by the application, so
-- the application role may replace their rows. All four are tenant-scoped (see 0003) and seen by
-- a customer user only for bytes that customer can see (as signature_verifications in 0006).
CREATE TRIGGER extractions_append_only BEFORE UPDATE OR DELETE ON extractions
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER extractions_no_truncate BEFORE TRUNCATE ON extractions
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER field_reviews_append_only BEFORE UPDATE OR DELETE ON field_reviews
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER field_reviews_no_truncate BEFORE TRUNCATE ON field_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
GRANT SELECT, INSERT ON extractions, field_reviews TO arkiv_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON extractions, field_reviews FROM arkiv_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON certificate_records, heat_numbers TO arkiv_app;
--> statement-breakpoint
REVOKE TRUNCATE ON certificate_records, heat_numbers FROM arkiv_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['extractions', 'certificate_records', 'heat_numbers']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I
      USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
        OR EXISTS (SELECT 1 FROM artifacts a WHERE a.id = %I.artifact_id))))
      WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))', t, t);
  END LOOP;
END $$;
--> statement-breakpoint
ALTER TABLE field_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON field_reviews
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR EXISTS (SELECT 1 FROM extractions e WHERE e.id = field_reviews.extraction_id))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
