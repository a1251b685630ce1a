import { z } from '@hono/zod-openapi';

const ReviewSchema = z.object({
  id: z.uuid(),
  field: z.string(),
  action: z.enum(['confirm', 'correct', 'recheck', 'dismiss']).openapi({
    description:
      'confirm/correct: by a controller, or carried over from the previous reading by a re-extraction; ' +
      'recheck: a carried-over value the new reading disagrees with (the value stands, a person looks again); ' +
      'dismiss: a failed extraction closed in the review queue (field "*")',
  }),
  value: z.unknown(),
  reviewer: z.string().nullable().openapi({
    description: 'User id of the controller, or carried-over:<review id> for a carried-over review; hidden from customer users',
  }),
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
    pendingReview: z
      .array(z.string())
      .openapi({ description: 'Low-confidence fields nobody has reviewed yet, then fields a re-extraction now reads differently' }),
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
    kind: z.enum(['failed', 'changed_reading', 'low_confidence']).openapi({
      description:
        'failed: no reading (enter fields by hand with corrections, or dismiss); changed_reading: a re-extraction ' +
        'reads a reviewed field differently (changedFields); low_confidence: fields below the auto-accept confidence',
    }),
    extractorVersion: z.string(),
    docClass: z.string().nullable(),
    certType: z.string().nullable(),
    minConfidence: z.number().nullable(),
    pendingFields: z.array(z.string()),
    changedFields: z.array(z.string()),
    error: z.object({ code: z.string(), message: z.string() }).nullable().openapi({ description: 'Why a failed extraction failed' }),
    createdAt: z.string(),
  })
  .openapi('ReviewQueueItem');

export const DismissBody = z.object({ reason: z.string().trim().min(1).max(500) }).openapi('DismissExtractionRequest');
