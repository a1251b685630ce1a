import { z } from '@hono/zod-openapi';
import { documentClasses } from '../../policies/retention.js';

export const CreateDocumentBody = z
  .object({
    artifactSha256: z.string().regex(/^[0-9a-f]{64}$/),
    docClass: z.enum(documentClasses),
    title: z.string().min(1).max(500),
    customerId: z.uuid().optional(),
    orderId: z.uuid().optional(),
    exportControlled: z.boolean().optional(),
  })
  .openapi('CreateDocument');

export const AddRevisionBody = z
  .object({ artifactSha256: z.string().regex(/^[0-9a-f]{64}$/), note: z.string().max(2000).optional() })
  .openapi('AddRevision');

export const RevisionSchema = z.object({
  revisionNo: z.number().int(),
  artifactSha256: z.string(),
  size: z.number().int(),
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const DocumentSchema = z
  .object({
    id: z.uuid(),
    docClass: z.string(),
    title: z.string(),
    customerId: z.uuid().nullable(),
    orderId: z.uuid().nullable(),
    published: z.boolean(),
    exportControlled: z.boolean(),
    createdAt: z.string(),
    currentRevision: z.number().int(),
    revisions: z.array(RevisionSchema),
  })
  .openapi('Document');

export const DocumentSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    docClass: z.string(),
    customerId: z.uuid().nullable(),
    orderId: z.uuid().nullable(),
    published: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('DocumentSummary');

export const DocumentListQuery = z.object({
  orderId: z.uuid().optional(),
  docClass: z.enum(documentClasses).optional(),
});
