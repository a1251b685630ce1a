CREATE TABLE "signatures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"signed_revision_no" integer NOT NULL,
	"new_revision_no" integer NOT NULL,
	"signer_user_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"location" text,
	"level" text NOT NULL,
	"artifact_sha256" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_credentials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"cert_sha256" text NOT NULL,
	"chain_pem" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"allowed_doc_classes" text[] DEFAULT '{}'::text[] NOT NULL,
	"allowed_customer_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_signer_user_id_users_id_fk" FOREIGN KEY ("signer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_credential_id_signing_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."signing_credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_credentials" ADD CONSTRAINT "signing_credentials_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_credentials" ADD CONSTRAINT "signing_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signatures_document" ON "signatures" USING btree ("org_id","document_id");--> statement-breakpoint
CREATE INDEX "signing_credentials_user" ON "signing_credentials" USING btree ("org_id","user_id");--> statement-breakpoint
-- Hand-written below (as 0001 and 0003): a signature record is evidence of a legal act, so it is
-- append-only; credentials are revoked by a timestamp, never deleted (signatures reference them).
CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON signing_credentials TO arkiv_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON signatures TO arkiv_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON signing_credentials FROM arkiv_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON signatures FROM arkiv_app;
--> statement-breakpoint
ALTER TABLE signing_credentials ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON signing_credentials
  USING (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE signatures ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON signatures
  USING (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
