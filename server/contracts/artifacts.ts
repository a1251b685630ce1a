import { z } from '@hono/zod-openapi';
import { documentClasses } from '../../policies/retention.js';

export const ArtifactSchema = z
  .object({
    id: z.uuid(),
    sha256: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    docClass: z.enum(documentClasses),
    retention: z.object({ mode: z.enum(['COMPLIANCE', 'GOVERNANCE']), retainUntil: z.string() }),
    legalHold: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Artifact');

export const UploadQuery = z.object({
  docClass: z.enum(documentClasses).default('other').openapi({
    description: 'Document class; decides the retention period applied to the stored object',
  }),
});

export const LegalHoldBody = z.object({ on: z.boolean(), reason: z.string().min(3).max(2000) }).openapi('LegalHoldRequest');
