-- Row-level security: the second wall behind the application's own scoping. Request work runs
-- inside a transaction that switches to the non-owner role arkiv_app and states its tenant:
--   set_config('role', 'arkiv_app', true), set_config('arkiv.org_id', …, true),
--   set_config('arkiv.customer_id', …, true)  (customer users only)
-- so a query that forgets its organization filter still sees only that organization. System
-- work that must span organizations (token lookup, job claiming) sets arkiv.system = 'on'.
DO $$ BEGIN
  CREATE ROLE arkiv_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
GRANT arkiv_app TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO arkiv_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO arkiv_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO arkiv_app;
--> statement-breakpoint
-- Append-only records: the application role may add, never change (the triggers say so too).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_checkpoints, document_revisions, legal_hold_events FROM arkiv_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON artifacts FROM arkiv_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION arkiv_org() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('arkiv.org_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION arkiv_customer() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('arkiv.customer_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION arkiv_system() RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT coalesce(current_setting('arkiv.system', true), '') = 'on' $$;
--> statement-breakpoint
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON organizations USING (arkiv_system() OR id = arkiv_org()) WITH CHECK (arkiv_system() OR id = arkiv_org());
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'api_tokens', 'identity_providers', 'sessions', 'magic_links',
    'audit_entries', 'audit_checkpoints', 'idempotency_keys', 'legal_hold_events', 'jobs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (arkiv_system() OR org_id = arkiv_org()) WITH CHECK (arkiv_system() OR org_id = arkiv_org())', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Customer users see their own customer, its orders, its published documents, their
-- revisions and the bytes behind them, and nothing else of their supplier's.
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON customers
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL OR id = arkiv_customer())))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON orders
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL OR customer_id = arkiv_customer())))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON documents
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL OR (customer_id = arkiv_customer() AND published))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE document_revisions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON document_revisions
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR EXISTS (SELECT 1 FROM documents d WHERE d.id = document_revisions.document_id))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE artifacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant ON artifacts
  USING (arkiv_system() OR (org_id = arkiv_org() AND (arkiv_customer() IS NULL
    OR EXISTS (SELECT 1 FROM document_revisions r WHERE r.artifact_id = artifacts.id))))
  WITH CHECK (arkiv_system() OR (org_id = arkiv_org() AND arkiv_customer() IS NULL));
--> statement-breakpoint
ALTER TABLE auth_throttle ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY system_only ON auth_throttle USING (arkiv_system()) WITH CHECK (arkiv_system());
