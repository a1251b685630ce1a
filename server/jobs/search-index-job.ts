import { z } from 'zod';
import { defineJob } from '../../archive/jobs/job-definition.js';
import { SEARCH_INDEX_JOB } from '../../archive/jobs/job-kinds.js';
import { indexTargets, type SearchIndexFor } from '../../search/indexing.js';
import { PostgresSearchIndex } from '../../search/postgres-search.js';

/**
 * Rebuilds the search entries of one document (all its revisions) and/or one artifact (its own
 * entry, or the entries of every document it is filed under). Enqueued in the transaction of the
 * change, so an entry is never left behind by a committed change; re-running it is harmless.
 */
export function searchIndexJob(indexFor: SearchIndexFor = (tx) => new PostgresSearchIndex(tx)) {
  return defineJob({
    kind: SEARCH_INDEX_JOB,
    version: 1,
    payload: z
      .object({ documentId: z.uuid().optional(), artifactId: z.uuid().optional() })
      .refine((p) => p.documentId || p.artifactId, 'documentId or artifactId'),
    async handle({ documentId, artifactId }, { orgId, deps }) {
      if (!orgId) throw new Error('indexing needs an organization');
      await indexTargets(deps.db, indexFor, orgId, {
        documentIds: documentId ? [documentId] : [],
        artifactIds: artifactId ? [artifactId] : [],
      });
    },
  });
}
