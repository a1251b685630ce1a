import type { JobDefinition } from '../../archive/jobs/job-definition.js';
import type { SearchIndexFor } from '../../search/indexing.js';
import { verifySignaturesJob } from '../../signing/service/verify-on-ingest.js';
import type { SigningSettings } from '../routes/signing-routes.js';
import { extractDocumentJob } from './extract-job.js';
import { type IntegritySettings, integrityRunJob } from './integrity-job.js';
import { searchIndexJob } from './search-index-job.js';

/** Every job kind this server runs. Indexing, book compilation and integrity runs join here. */
export function jobDefinitions(signing: SigningSettings, integrity: IntegritySettings = {}, search?: SearchIndexFor): JobDefinition[] {
  // Each definition is typed by its own payload schema; the runner validates payloads with it.
  return [
    verifySignaturesJob(signing) as unknown as JobDefinition,
    extractDocumentJob() as unknown as JobDefinition,
    integrityRunJob({ trustAnchorsPem: signing.trustAnchorsPem, ...integrity }) as unknown as JobDefinition,
    searchIndexJob(search) as unknown as JobDefinition,
  ];
}
