import type { z } from 'zod';
import type { ArchiveDeps } from '../deps.js';

export interface JobContext {
  jobId: string;
  orgId: string | null;
  attempt: number;
  deps: ArchiveDeps;
  progress(p: Record<string, unknown>): Promise<void>;
}

/** A job as a typed definition: its kind, the schema of its payload and its handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  version: number;
  payload: S;
  handle(payload: z.infer<S>, ctx: JobContext): Promise<void>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
