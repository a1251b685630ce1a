-- Append-only records: a correction is a new row, never an edit. These triggers stop the
-- application and careless operators; they do not stop the table owner (who can disable them),
-- which is why the audit chain is also hashed and checkpointed into locked objects.
CREATE OR REPLACE FUNCTION arkiv_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'P0001', HINT = 'arkiv_append_only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER document_revisions_append_only BEFORE UPDATE OR DELETE ON document_revisions
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER document_revisions_no_truncate BEFORE TRUNCATE ON document_revisions
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER legal_hold_events_append_only BEFORE UPDATE OR DELETE ON legal_hold_events
  FOR EACH ROW EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
CREATE TRIGGER legal_hold_events_no_truncate BEFORE TRUNCATE ON legal_hold_events
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
--> statement-breakpoint
-- Artifacts: identity and location of the bytes never change, the row is never deleted through
-- SQL (expiry is a separate, audited process), retention only grows; legal hold may toggle.
CREATE OR REPLACE FUNCTION arkiv_guard_artifact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'artifacts cannot be deleted' USING ERRCODE = 'P0001', HINT = 'arkiv_append_only';
  END IF;
  IF NEW.id <> OLD.id OR NEW.org_id <> OLD.org_id OR NEW.sha256 <> OLD.sha256 OR NEW.size <> OLD.size
     OR NEW.storage_key <> OLD.storage_key OR NEW.version_id IS DISTINCT FROM OLD.version_id
     OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'artifact identity is immutable' USING ERRCODE = 'P0001', HINT = 'arkiv_append_only';
  END IF;
  IF NEW.retain_until < OLD.retain_until THEN
    RAISE EXCEPTION 'retention can only be extended' USING ERRCODE = 'P0001', HINT = 'arkiv_append_only';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER artifacts_guard BEFORE UPDATE OR DELETE ON artifacts
  FOR EACH ROW EXECUTE FUNCTION arkiv_guard_artifact();
--> statement-breakpoint
CREATE TRIGGER artifacts_no_truncate BEFORE TRUNCATE ON artifacts
  FOR EACH STATEMENT EXECUTE FUNCTION arkiv_reject_change();
