import { isInt, type PdfDict, type PdfObject, PdfRef, PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

export interface FoundSignature {
  field: string;
  sig: PdfDict;
  /** /Contents, with its byte span in the file when the dictionary is stored directly in the file. */
  contents: PdfString | undefined;
  /** False when the dictionary came from an object stream: then no span can match a ByteRange gap. */
  spanKnown: boolean;
  byteRange: PdfObject | undefined;
}

const MAX_FIELDS = 10_000;

/**
 * Every signed signature field of the AcroForm tree (fields may sit in object streams; /FT is
 * inherited from parents). Walks with a visited set: form trees in hostile files loop.
 */
export function findSignatures(reader: PdfReader): FoundSignature[] {
  const out: FoundSignature[] = [];
  const acro = reader.dict(reader.catalog().get('AcroForm'));
  const seen = new Set<number>();
  let visited = 0;
  const walk = (items: PdfObject[], prefix: string, inheritedFt: string | undefined, parentDirect: boolean, depth: number) => {
    if (depth > 32) return;
    for (const item of items) {
      if (++visited > MAX_FIELDS) return;
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const dict = reader.dict(item);
      if (!dict) continue;
      const direct = item instanceof PdfRef ? reader.offsetOf(item.num) >= 0 : parentDirect;
      const t = dict.get('T');
      const own = t instanceof PdfString ? t.text() : undefined;
      const name = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
      const ft = dict.name('FT') ?? inheritedFt;
      const v = dict.get('V');
      if (ft === 'Sig' && v !== undefined) {
        const sig = reader.dict(v);
        if (sig) {
          const spanKnown = v instanceof PdfRef ? reader.offsetOf(v.num) >= 0 : direct;
          const contents = sig.get('Contents');
          out.push({
            field: name,
            sig,
            contents: contents instanceof PdfString ? contents : undefined,
            spanKnown,
            byteRange: sig.get('ByteRange'),
          });
        }
      }
      const kids = reader.array(dict.get('Kids'));
      if (kids) walk(kids, name, ft, direct, depth + 1);
    }
  };
  walk(reader.array(acro?.get('Fields')) ?? [], '', undefined, false, 0);
  return out;
}

export function byteRangeNumbers(v: PdfObject | undefined): number[] | undefined {
  return Array.isArray(v) && v.every(isInt) ? (v as number[]) : undefined;
}
