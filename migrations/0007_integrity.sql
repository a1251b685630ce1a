CREATE TABLE "integrity_findings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"artifact_id" uuid,
	"object_key" text,
	"version_id" text,
	"message" text NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrity_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"cursor" jsonb,
	"progress" jsonb,
	"summary" jsonb,
	"report_artifact_id" uuid
);
--> statement-breakpoint
ALTER TABLE "artifacts" ADD COLUMN "last_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrity_findings" ADD CONSTRAINT "integrity_findings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_findings" ADD CONSTRAINT "integrity_findings_run_id_integrity_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."integrity_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_runs" ADD CONSTRAINT "integrity_runs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_runs" ADD CONSTRAINT "integrity_runs_report_artifact_id_artifacts_id_fk" FOREIGN KEY ("report_artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integrity_findings_run" ON "integrity_findings" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "integrity_runs_org" ON "integrity_runs" USING btree ("org_id","started_at");--> statement-breakpoint
-- Findings are evidence: append-only (see 0001). Both tables are tenant-scoped (see 0003) and
-- invisible to customer users.
CREATE TRIGGER integrity_findings_append_only BEFORE UPDATE OR DELETE ON integrity_findings
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER integrity_findings_no_truncate BEFORE TRUNCATE ON integrity_findings
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON integrity_runs TO arkiv_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON integrity_findings TO arkiv_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON integrity_findings FROM arkiv_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON integrity_runs FROM arkiv_app;
--> statement-breakpoint
ALTER TABLE integrity_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON integrity_runs
  USING (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE integrity_findings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON integrity_findings
  USING (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
