import { z } from '@hono/zod-openapi';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'not a date');
const text = (max: number, description: string) => z.string().trim().min(1).max(max).optional().openapi({ description });

export const SearchQuerySchema = z.object({
  q: text(500, 'Free text; words with digits (heat, PO, certificate numbers) also match by prefix, infix or one typo'),
  docClass: text(40, 'Document class, e.g. mill_cert'),
  certType: text(10, 'EN 10204 type, e.g. 3.1'),
  grade: text(100, 'Any name of a material grade; equivalent names match too (F51 finds UNS S31803)'),
  heat: text(100, 'Heat number or part of one'),
  po: text(100, 'PO number or part of one'),
  customerId: z.uuid().optional(),
  orderId: z.uuid().optional(),
  issuedFrom: isoDate.optional(),
  issuedTo: isoDate.optional(),
  includeSuperseded: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({ description: 'Also return revisions that a newer revision replaced' }),
  cursor: z.string().max(500).optional().openapi({ description: 'Opaque cursor from the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const Bucket = z.object({ value: z.string(), count: z.number().int() });

export const SearchResultSchema = z
  .object({
    hits: z.array(
      z.object({
        key: z.string().openapi({ description: 'rev:<documentId>:<revisionNo> or art:<artifactId>' }),
        documentId: z.uuid().nullable(),
        revisionNo: z.number().int().nullable(),
        artifactId: z.uuid(),
        customerId: z.uuid().nullable(),
        orderId: z.uuid().nullable(),
        title: z.string().nullable(),
        docClass: z.string().nullable(),
        certType: z.string().nullable(),
        documentNumber: z.string().nullable(),
        poNumber: z.string().nullable(),
        grade: z.string().nullable(),
        heatNumbers: z.array(z.string()),
        issueDate: z.string().nullable(),
        published: z.boolean(),
        superseded: z.boolean(),
        score: z.number(),
        snippet: z.string().nullable().openapi({ description: 'HTML: matches in <mark>, everything else escaped' }),
        matchedFields: z.array(z.string()),
      }),
    ),
    facets: z.object({
      docClass: z.array(Bucket),
      certType: z.array(Bucket),
      gradeFamily: z.array(Bucket),
      customerId: z.array(Bucket),
      orderId: z.array(Bucket),
      year: z.array(Bucket),
    }),
    total: z.number().int(),
    totalExact: z.boolean().openapi({
      description:
        'false: a broad query (more than 250 matches); total and facet counts are lower bounds, counted over its newest 250 matches, ranked among themselves',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('SearchResult');
