/** Passes in the order a run takes them; the cursor names the next one to (re)start. */
export type Pass = 'inventory' | 'fixity' | 'signatures' | 'audit' | 'done';

/** integrity_runs.cursor: enough to resume after a crash without repeating finished work. */
export interface RunCursor {
  pass: Pass;
  /** Fixity: the last artifact id of the last finished batch. */
  afterId: string | null;
  inventory?: { objects: number; bytes: number };
  fixity: { objects: number; bytes: number };
  signatures?: { checked: number };
}

/** integrity_runs.progress: for the API, server-sent events and /metrics. */
export interface RunProgress {
  pass: Pass;
  objects: number;
  bytes: number;
  totalObjects: number | null;
  totalBytes: number | null;
  etaSeconds: number | null;
  findings: number;
  updatedAt: string;
}

/** integrity_runs.summary, also the head of the JSON report. */
export interface RunSummary {
  ok: boolean;
  findings: number;
  byKind: Record<string, number>;
  inventory: { objects: number; bytes: number } | null;
  fixity: { objects: number; bytes: number };
  signatures: { checked: number } | null;
  audit: { entries: number; checkpointsVerified: number; ok: boolean } | null;
  durationMs: number;
  method: string;
}

/** integrity_runs.summary of a `failed` run: why, where it stopped, and whether a retry resumes it. */
export interface FailedRunSummary {
  ok: false;
  error: string;
  pass: Pass;
  willRetry: boolean;
  fixity: { objects: number; bytes: number };
}

export const initialCursor = (): RunCursor => ({ pass: 'inventory', afterId: null, fixity: { objects: 0, bytes: 0 } });

export function eta(done: number, total: number | null, elapsedMs: number): number | null {
  if (!total || done <= 0 || done >= total) return done >= (total ?? 0) ? 0 : null;
  return Math.round(((total - done) * elapsedMs) / done / 1000);
}
