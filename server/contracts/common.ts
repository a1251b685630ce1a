import { z } from '@hono/zod-openapi';

export const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');

export const Sha256Param = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256')
  .openapi({ param: { name: 'sha256', in: 'path' }, example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });

export const IdParam = z.uuid().openapi({ param: { name: 'id', in: 'path' } });

export const PageQuery = z.object({
  cursor: z.string().optional().openapi({ description: 'Opaque cursor from the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid token', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found (or outside your scope)', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
