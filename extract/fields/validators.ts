import type { FieldName } from '../types.js';
import { parseDate } from './dates.js';

export interface ValueContext {
  usDates: boolean;
}

type Normaliser = (text: string, ctx: ValueContext) => unknown;

const clean = (s: string) =>
  stripStrayMarks(
    s
      .replace(/\s+/g, ' ')
      .replace(/^[\s:;,.\-–]+|[\s:;,]+$/g, '')
      .trim(),
  );

/**
 * Marks no value starts or ends with, which OCR leaves at a value's edges: a box side read as "|",
 * an unpaired bracket, a speck read as a quote. The inch sign (") stays: "2\" x 0.154\"" ends in one.
 */
export function stripStrayMarks(s: string): string {
  let out = s.replace(/^[|‘’'`_]+\s*|\s*[|‘’'`_]+$/g, '');
  if (out.startsWith('[') && !out.includes(']')) out = out.slice(1);
  if (out.endsWith(']') && !out.includes('[')) out = out.slice(0, -1);
  // A dash set apart at the end ("M. Rossi -") is a speck or a rule, not part of the value.
  out = out.replace(/^[\s:;,]+|[\s:;,]+$/g, '').replace(/\s+[-–—]+$/, '');
  return out === s ? s : stripStrayMarks(out);
}
const hasDigit = (s: string) => /\d/.test(s);
const hasLetter = (s: string) => /\p{L}/u.test(s);

/** An identifier: the first token(s) holding a digit, no sentence. */
function identifier(text: string): string | undefined {
  const s = clean(text);
  if (!hasDigit(s) || s.length > 40) return undefined;
  const tokens = s.split(' ');
  if (tokens.length > 3) return undefined;
  // No identifier ends in a hyphen; OCR adds one from a speck or a box edge.
  return s.replace(/-+$/, '');
}

function name(text: string): string | undefined {
  const s = clean(text);
  if (!hasLetter(s) || s.length < 2 || s.length > 80) return undefined;
  // A sentence is not a name: labels sometimes head a paragraph.
  if (s.split(' ').length > 8) return undefined;
  return s;
}

/** Heat numbers: 4-15 chars, at least 3 digits; a list may be separated by commas, slashes, "and". */
export function heatList(text: string): string[] | undefined {
  // A hyphen never ends a heat number; OCR adds one from a speck or the box's edge.
  const parts = clean(text)
    .split(/\s*(?:[,;/&+]|\band\b|\bund\b|\bog\b|\bet\b)\s*|\s{2,}|\s(?=\S*\d)/)
    .map((p) => p.replace(/-+$/, ''));
  const heats = parts.filter((p) => isHeat(p));
  if (heats.length === 0 || !isHeat(parts[0] ?? '')) return undefined;
  return heats;
}

export function isHeat(s: string): boolean {
  return /^[A-Z0-9][A-Z0-9-]{2,14}$/i.test(s) && (s.match(/\d/g) ?? []).length >= 3;
}

function grade(text: string): string | undefined {
  // No grade holds a dollar sign; OCR reads the S of "S355" or "S32205" as one.
  const s = clean(text).replace(/\$(?=\d)/g, 'S');
  if (s.length < 2 || s.length > 40 || s.split(' ').length > 5) return undefined;
  // "Material certified to ..." is prose, not a grade.
  if (/^[a-zäöüéèæøå]{4,}$/i.test(s.split(' ')[0] ?? '') && !hasDigit(s) && s.split(' ').length > 2) return undefined;
  if (/^(certified|tested|conforms?|according|in accordance)/i.test(s)) return undefined;
  return s;
}

function standards(text: string): string[] | undefined {
  const s = clean(text);
  if (!hasDigit(s) || s.length > 160) return undefined;
  const list = s
    .split(/\s*[,;]\s*|\s+\/\s+|\s+\+\s+/)
    // No standard's designation ends in a dot or a hyphen ("EN 10025-2:2019.-").
    .map((x) => clean(x).replace(/[.\-–]+$/, ''))
    .filter((x) => hasDigit(x));
  return list.length > 0 ? list : undefined;
}

function measure(text: string): string | undefined {
  const s = clean(text);
  return hasDigit(s) && s.length <= 60 ? s : undefined;
}

function revision(text: string): string | undefined {
  const s = clean(text).split(' ')[0] ?? '';
  return /^[A-Z0-9][A-Z0-9.]{0,4}$/i.test(s) ? s : undefined;
}

export const NORMALISERS: Partial<Record<FieldName, Normaliser>> = {
  documentNumber: identifier,
  poNumber: identifier,
  issueDate: (t, ctx) => parseDate(t, ctx.usDates),
  manufacturer: name,
  purchaser: name,
  customer: name,
  issuer: name,
  inspector: name,
  signatoryName: name,
  project: name,
  product: name,
  grade,
  materialStandards: standards,
  specifications: standards,
  heatNumbers: heatList,
  dimensions: measure,
  quantity: measure,
  revision,
};
