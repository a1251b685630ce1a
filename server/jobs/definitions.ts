import type { JobDefinition } from '../../archive/jobs/job-definition.js';
import { verifySignaturesJob } from '../../signing/service/verify-on-ingest.js';
import type { SigningSettings } from '../routes/signing-routes.js';

/** Every job kind this server runs. Extraction, indexing, book compilation and integrity runs join here. */
export function jobDefinitions(signing: SigningSettings): JobDefinition[] {
  // Each definition is typed by its own payload schema; the runner validates payloads with it.
  return [verifySignaturesJob(signing) as unknown as JobDefinition];
}
