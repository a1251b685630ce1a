import { PdfDict, type PdfObject, PdfRef, PdfStream } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { serialize } from '../pdf/serialize.js';
import { describeObject, OldDocument } from './old-document.js';

export interface ChangeAnalysis {
  /** Changes a later revision may not make (page content, catalog entries, existing objects…). */
  disallowed: string[];
  /** Bytes after the signed revision that are not a readable incremental update. */
  unexplainedTail: string | undefined;
}

const FIELD_KEYS_ALLOWED = new Set(['V', 'AP', 'AS', 'F', 'Lock', 'SV']);

/**
 * What changed after the revision that ends at `end`. Allowed later: new signatures (field,
 * widget, AcroForm /Fields, page /Annots), document time-stamps and DSS (PAdES LT/LTA).
 * Everything else — an edited content stream, a new /OpenAction, a replaced object — is named,
 * because a signature over revision N says nothing about what revision N+1 shows.
 */
export function analyzeChangesAfter(reader: PdfReader, end: number): ChangeAnalysis {
  const size = reader.src.size;
  if (!reader.sections.some((s) => s.offset < end))
    return { disallowed: ['the signed revision has no cross-reference section'], unexplainedTail: undefined };
  const later = reader.sections.filter((s) => s.offset >= end);
  const tailStart = later.length === 0 ? end : lastEof(reader, size);
  const tail = Buffer.from(reader.src.read(tailStart, Math.min(size - tailStart, 4096))).toString('latin1');
  const unexplainedTail =
    size - tailStart > 4096 || tail.trim().replace(/\0/g, '') !== ''
      ? `${size - tailStart} bytes after ${later.length === 0 ? 'the signed revision' : 'the last revision'} are not an incremental update`
      : undefined;
  if (later.length === 0) return { disallowed: [], unexplainedTail };

  const old = new OldDocument(reader.before(end));
  const changed = new Set<number>();
  for (const s of later) for (const num of s.entries.keys()) changed.add(num);
  const disallowed: string[] = [];
  for (const num of [...changed].sort((a, b) => a - b)) {
    try {
      const problem = judge(reader, old, num);
      if (problem) disallowed.push(problem);
    } catch (err) {
      disallowed.push(`object ${num} cannot be compared: ${(err as Error).message}`);
    }
    if (disallowed.length >= 20) break;
  }
  return { disallowed, unexplainedTail };
}

function judge(reader: PdfReader, old: OldDocument, num: number): string | undefined {
  const oldEntry = old.reader.table.get(num);
  if (!oldEntry || oldEntry.type === 0) return undefined; // a new object: judged where it is referenced
  const gen = oldEntry.type === 1 ? oldEntry.gen : 0;
  const before = old.reader.get(new PdfRef(num, gen));
  if (before === undefined) return undefined;
  const newEntry = reader.table.get(num);
  const after = newEntry && newEntry.type !== 0 ? reader.get(new PdfRef(num, newEntry.type === 1 ? newEntry.gen : 0)) : undefined;
  const what = describeObject(old, num, before);
  if (after === undefined) return `${what} was deleted after signing`;
  if (sameObject(reader, before, after)) return undefined;
  if (old.auxiliary.has(num)) return undefined;
  if (before instanceof PdfStream || after instanceof PdfStream) {
    const type = before instanceof PdfStream ? before.dict.name('Type') : undefined;
    if (type === 'XRef' || type === 'ObjStm') return undefined; // containers; their objects are judged one by one
    return `${what} was changed after signing`;
  }
  if (num === old.rootNum) return dictDiff(reader, old, before, after, new Set(['AcroForm', 'DSS', 'Extensions', 'Metadata']), what);
  if (num === old.acroFormNum) return dictDiff(reader, old, before, after, new Set(['Fields', 'SigFlags', 'DR']), what);
  if (old.pages.has(num)) return dictDiff(reader, old, before, after, new Set(['Annots']), what);
  if (before instanceof PdfDict && old.isSignatureField(before))
    return dictDiff(reader, old, before, after, FIELD_KEYS_ALLOWED, what, true);
  if (before instanceof PdfDict && (before.name('Type') === 'DSS' || before.name('Type') === 'VRI')) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) return arrayGrowth(reader, old, before, after, what);
  return `${what} was changed after signing`;
}

function dictDiff(
  reader: PdfReader,
  old: OldDocument,
  before: PdfObject,
  after: PdfObject,
  allowed: Set<string>,
  what: string,
  sigField = false,
): string | undefined {
  if (!(before instanceof PdfDict) || !(after instanceof PdfDict)) return `${what} changed type after signing`;
  const keys = new Set([...before.map.keys(), ...after.map.keys()]);
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    if (b !== undefined && a !== undefined && serialize(b) === serialize(a)) continue;
    if (!allowed.has(key)) return `${what}: /${key} was changed after signing`;
    if (sigField && key === 'V' && b !== undefined) return `${what}: an existing signature value was replaced`;
    if (key === 'AcroForm' && b !== undefined && a !== undefined) {
      const inner = dictDiff(
        reader,
        old,
        reader.resolve(b) ?? null,
        reader.resolve(a) ?? null,
        new Set(['Fields', 'SigFlags', 'DR']),
        `${what} /AcroForm`,
      );
      if (inner) return inner;
    }
    if ((key === 'Fields' || key === 'Annots') && b !== undefined) {
      const growth = arrayGrowth(reader, old, old.reader.array(b) ?? [], reader.array(a) ?? [], `${what} /${key}`);
      if (growth) return growth;
    }
  }
  return undefined;
}

/** A later revision may append signature fields/widgets to an array, never drop or replace entries. */
function arrayGrowth(reader: PdfReader, old: OldDocument, before: PdfObject[], after: PdfObject[], what: string): string | undefined {
  const afterKeys = after.map((x) => serialize(x));
  const beforeKeys = new Set(before.map((x) => serialize(x)));
  for (const k of beforeKeys) if (!afterKeys.includes(k)) return `${what}: an entry was removed after signing`;
  for (let i = 0; i < after.length; i++) {
    if (beforeKeys.has(afterKeys[i] ?? '')) continue;
    const item = reader.resolve(after[i]);
    if (item instanceof PdfStream) continue; // DSS certificate/OCSP/CRL streams
    if (item instanceof PdfDict && old.isSignatureField(item, reader)) continue;
    return `${what}: a non-signature entry was added after signing`;
  }
  return undefined;
}

function sameObject(reader: PdfReader, a: PdfObject, b: PdfObject): boolean {
  if (a instanceof PdfStream && b instanceof PdfStream) {
    if (serialize(a.dict) !== serialize(b.dict) || a.dataLength !== b.dataLength || a.dataLength > 16 * 1024 * 1024) return false;
    return Buffer.from(reader.src.read(a.dataStart, a.dataLength)).equals(Buffer.from(reader.src.read(b.dataStart, b.dataLength)));
  }
  if (a instanceof PdfStream || b instanceof PdfStream) return false;
  return serialize(a) === serialize(b);
}

function lastEof(reader: PdfReader, size: number): number {
  const len = Math.min(size, 4096);
  const text = Buffer.from(reader.src.read(size - len, len)).toString('latin1');
  const at = text.lastIndexOf('%%EOF');
  return at < 0 ? size : size - len + at + 5;
}
