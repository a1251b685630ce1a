import { canonicalJson } from '../audit/canonical.js';

/**
 * The archive's view of an extraction result. archive/ may not import extract/ (a leaf used by
 * the server), so it states the little it relies on: fields, their confidence, the class. The
 * full result (page, box, source per field) is kept as JSONB, untouched.
 */
export interface StoredResult {
  docClass: string;
  certType: string | null;
  source: string;
  fields: Record<string, unknown>;
  fieldConfidence: Record<string, number>;
}

type Kind = 'string' | 'date' | 'strings' | 'number' | 'numbers' | 'json';

/** Fields a controller may confirm or correct, and the shape a corrected value must have. */
export const FIELD_KINDS: Readonly<Record<string, Kind>> = {
  documentNumber: 'string',
  issueDate: 'date',
  manufacturer: 'string',
  purchaser: 'string',
  poNumber: 'string',
  product: 'string',
  grade: 'string',
  materialStandards: 'strings',
  heatNumbers: 'strings',
  dimensions: 'string',
  quantity: 'string',
  chemistry: 'json',
  chemistryByHeat: 'json',
  yieldStrengthMpa: 'number',
  tensileStrengthMpa: 'number',
  elongationPct: 'number',
  impactJ: 'numbers',
  impactTempC: 'number',
  inspector: 'string',
  issuer: 'string',
  customer: 'string',
  signatoryName: 'string',
  items: 'json',
  specifications: 'strings',
  revision: 'string',
  project: 'string',
  activities: 'json',
};

/** A real calendar date as YYYY-MM-DD (a typed `date` column rejects 2024-02-30 mid-transaction). */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Whether `value` fits `field`; `null` means "not on the paper" and fits every field. */
export function fitsField(field: string, value: unknown): boolean {
  const kind = FIELD_KINDS[field];
  if (!kind) return false;
  if (value === null) return true;
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.trim().length > 0 && value.length <= 1000;
    case 'date':
      return isIsoDate(value);
    case 'strings':
      return Array.isArray(value) && value.length <= 500 && value.every((s) => typeof s === 'string' && s.trim().length > 0);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'numbers':
      return Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n));
    case 'json':
      return typeof value === 'object' && JSON.stringify(value).length <= 100_000;
  }
}

/** Lowest confidence among the fields that were found; null when nothing was found. */
export function minConfidence(result: StoredResult): number | null {
  const values = Object.keys(result.fields)
    .map((f) => result.fieldConfidence[f])
    .filter((c): c is number => typeof c === 'number');
  return values.length === 0 ? null : Math.min(...values);
}

export interface ReviewLike {
  field: string;
  action: string;
  value: unknown;
}

/**
 * What a field_reviews row does. `confirm` and `correct` come from a person, or are carried over
 * from the previous reading by a re-extraction. `recheck` is a carried-over human value the
 * machine now reads differently: the human value still wins, but a person has to look again.
 * `dismiss` closes a failed extraction in the review queue (field `WHOLE_EXTRACTION`).
 */
export type ReviewAction = 'confirm' | 'correct' | 'recheck' | 'dismiss';

/** The `field` of a review that concerns the whole extraction rather than one field. */
export const WHOLE_EXTRACTION = '*';

/** Reviewer of a row a re-extraction carried over: the review it repeats, which names the person. */
export const carriedOverReviewer = (reviewId: string) => `carried-over:${reviewId}`;

/** The last review of each field, in the order the fields were first reviewed. */
export function lastReviews<R extends ReviewLike>(reviews: readonly R[]): Map<string, R> {
  const last = new Map<string, R>();
  for (const r of reviews) last.set(r.field, r);
  return last;
}

/**
 * The extraction's fields with the reviews applied in order: the last correction wins. A failed
 * extraction (no result) has only the values a controller entered by hand.
 */
export function effectiveFields(result: StoredResult | null, reviews: readonly ReviewLike[]): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...result?.fields };
  for (const r of reviews) {
    if (r.action !== 'correct' && r.action !== 'recheck') continue;
    if (r.value === null) delete fields[r.field];
    else fields[r.field] = r.value;
  }
  return fields;
}

/** Fields whose carried-over human value the machine now reads differently, not yet looked at again. */
export function recheckFields(reviews: readonly ReviewLike[]): string[] {
  return [...lastReviews(reviews)].filter(([, r]) => r.action === 'recheck').map(([field]) => field);
}

/**
 * Fields waiting for a controller: found below the auto-accept confidence and not reviewed yet,
 * then those to look at again because the machine now reads them differently.
 */
export function pendingFields(result: StoredResult | null, reviews: readonly ReviewLike[], autoAccept: number): string[] {
  const reviewed = new Set(reviews.map((r) => r.field));
  const low = Object.keys(result?.fields ?? {}).filter((f) => (result?.fieldConfidence[f] ?? 0) < autoAccept && !reviewed.has(f));
  return [...low, ...recheckFields(reviews)];
}

/** Whether two readings of a field agree (objects compared key by key: JSONB reorders keys). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** Whether a controller has closed this (failed) extraction in the review queue. */
export function isDismissed(reviews: readonly ReviewLike[]): boolean {
  return lastReviews(reviews).get(WHOLE_EXTRACTION)?.action === 'dismiss';
}
