import { z } from '@hono/zod-openapi';

const ReviewSchema = z.object({
  id: z.uuid(),
  field: z.string(),
  action: z.enum(['confirm', 'correct']),
  value: z.unknown(),
  reviewer: z.string().nullable().openapi({ description: 'User id of the controller; hidden from customer users' }),
  createdAt: z.string(),
});

export const ExtractionSchema = z
  .object({
    id: z.uuid(),
    extractorVersion: z.string(),
    createdAt: z.string(),
    docClass: z.string().nullable(),
    certType: z.string().nullable(),
    source: z.string().nullable(),
    minConfidence: z.number().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    result: z.unknown().openapi({ description: 'The extraction result as the extractor produced it (DESIGN.md schema)' }),
    effectiveFields: z.record(z.string(), z.unknown()).openapi({ description: 'result.fields with the reviews applied' }),
    pendingReview: z.array(z.string()).openapi({ description: 'Low-confidence fields nobody has reviewed yet' }),
    reviews: z.array(ReviewSchema),
  })
  .openapi('Extraction');

export const ArtifactExtractionSchema = z
  .object({ artifactSha256: z.string(), extraction: ExtractionSchema.nullable() })
  .openapi('ArtifactExtraction');

export const ReviewBody = z
  .object({
    field: z.string().min(1).max(64),
    action: z.enum(['confirm', 'correct']),
    value: z.unknown().optional().openapi({ description: 'The corrected value (required for correct; null = not on the document)' }),
  })
  .openapi('FieldReviewRequest');

export const ReviewQueueItemSchema = z
  .object({
    extractionId: z.uuid(),
    artifactSha256: z.string(),
    extractorVersion: z.string(),
    docClass: z.string().nullable(),
    certType: z.string().nullable(),
    minConfidence: z.number().nullable(),
    pendingFields: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('ReviewQueueItem');
