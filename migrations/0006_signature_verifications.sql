CREATE TABLE "signature_verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"verifier_version" text NOT NULL,
	"signature_count" integer NOT NULL,
	"valid" boolean NOT NULL,
	"report" jsonb NOT NULL,
	"verified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signature_verifications" ADD CONSTRAINT "signature_verifications_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_verifications" ADD CONSTRAINT "signature_verifications_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signature_verifications_artifact" ON "signature_verifications" USING btree ("org_id","artifact_id");--> statement-breakpoint
-- Append-only, tenant-scoped like every record (see 0001 and 0003).
CREATE TRIGGER signature_verifications_append_only BEFORE UPDATE OR DELETE ON signature_verifications
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER signature_verifications_no_truncate BEFORE TRUNCATE ON signature_verifications
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
GRANT SELECT, INSERT ON signature_verifications TO arkiv_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON signature_verifications FROM arkiv_app;
--> statement-breakpoint
ALTER TABLE signature_verifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON signature_verifications
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR EXISTS (SELECT 1 FROM artifacts a WHERE a.id = signature_verifications.artifact_id))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
