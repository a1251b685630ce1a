import { z } from '@hono/zod-openapi';
import type { IntegrityRun } from '../../archive/integrity/run-integrity.js';
import type { IntegrityFinding } from '../../archive/integrity/runs.js';

export const IntegrityRunSchema = z
  .object({
    id: z.uuid(),
    scope: z.string().openapi({ description: 'on_demand | slice | full' }),
    status: z.string().openapi({ description: 'queued | running | succeeded | failed' }),
    requestedBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    progress: z.any().openapi({ description: 'pass, objects, bytes, totalObjects, totalBytes, etaSeconds, findings' }),
    summary: z.any().openapi({
      description:
        'Totals per pass and findings per kind; null until finished. A failed run: {ok: false, error, pass, willRetry} (willRetry: the job queue resumes it from its cursor)',
    }),
    reportSha256: z.string().nullable().openapi({
      description: 'The sealed PDF report: download with GET /api/v1/artifacts/{sha256}, check with POST /api/v1/verify',
    }),
  })
  .openapi('IntegrityRun');

export const IntegrityFindingSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().openapi({ example: 'fixity_mismatch' }),
    artifactId: z.string().nullable(),
    objectKey: z.string().nullable(),
    versionId: z.string().nullable(),
    message: z.string(),
    details: z.any(),
    createdAt: z.string(),
  })
  .openapi('IntegrityFinding');

/** The machine-readable report: the run with its summary and every finding. */
export const IntegrityReportSchema = IntegrityRunSchema.extend({ findings: z.array(IntegrityFindingSchema) }).openapi('IntegrityReport');

export function runView(run: IntegrityRun & { reportSha256?: string | null }) {
  return {
    id: run.id,
    scope: run.scope,
    status: run.status,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    progress: run.progress ?? null,
    summary: run.summary ?? null,
    reportSha256: run.reportSha256 ?? null,
  };
}

export function findingView(f: IntegrityFinding) {
  const { id, kind, artifactId, objectKey, versionId, message, details } = f;
  return { id, kind, artifactId, objectKey, versionId, message, details: details ?? null, createdAt: f.createdAt.toISOString() };
}
