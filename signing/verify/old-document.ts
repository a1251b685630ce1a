import { PdfDict, type PdfObject, PdfRef, PdfStream } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

const MAX_PAGES = 100_000;

/** Facts about the signed revision the change analysis compares against. */
export class OldDocument {
  readonly rootNum: number;
  readonly acroFormNum: number;
  readonly pages = new Set<number>();
  readonly contentStreams = new Set<number>();
  /** Objects that never change what a page shows: document info, XMP metadata, DSS (validation data). */
  readonly auxiliary = new Set<number>();

  constructor(readonly reader: PdfReader) {
    const root = reader.trailer.get('Root');
    this.rootNum = root instanceof PdfRef ? root.num : -1;
    const catalog = reader.catalog();
    const acro = catalog.get('AcroForm');
    this.acroFormNum = acro instanceof PdfRef ? acro.num : -1;
    this.collectPages(catalog.get('Pages'));
    for (const r of [reader.trailer.get('Info'), catalog.get('Metadata')]) if (r instanceof PdfRef) this.auxiliary.add(r.num);
    this.collectDss(catalog.get('DSS'));
  }

  private collectDss(dss: PdfObject | undefined): void {
    if (dss instanceof PdfRef) this.auxiliary.add(dss.num);
    const dict = this.reader.dict(dss);
    if (!dict) return;
    for (const v of dict.map.values()) {
      if (v instanceof PdfRef) this.auxiliary.add(v.num);
      const vri = this.reader.dict(v);
      if (vri) for (const inner of vri.map.values()) if (inner instanceof PdfRef) this.auxiliary.add(inner.num);
    }
  }

  private collectPages(rootNode: PdfObject | undefined): void {
    const stack: PdfObject[] = rootNode === undefined ? [] : [rootNode];
    const seen = new Set<number>();
    while (stack.length > 0 && seen.size < MAX_PAGES) {
      const node = stack.pop();
      if (!(node instanceof PdfRef) || seen.has(node.num)) continue;
      seen.add(node.num);
      const dict = this.reader.dict(node);
      if (!dict) continue;
      const kids = this.reader.array(dict.get('Kids'));
      if (kids) stack.push(...kids);
      else {
        this.pages.add(node.num);
        const contents = dict.get('Contents');
        const list =
          contents instanceof PdfRef ? [contents, ...(this.reader.array(contents) ?? [])] : Array.isArray(contents) ? contents : [];
        for (const c of list) if (c instanceof PdfRef) this.contentStreams.add(c.num);
      }
    }
  }

  /** A signature field or its widget (FT /Sig here or on a parent). */
  isSignatureField(dict: PdfDict, reader: PdfReader = this.reader): boolean {
    let cur: PdfDict | undefined = dict;
    for (let depth = 0; cur && depth < 16; depth++) {
      const ft = cur.name('FT');
      if (ft) return ft === 'Sig';
      cur = reader.dict(cur.get('Parent'));
    }
    return false;
  }
}

export function describeObject(old: OldDocument, num: number, value: PdfObject): string {
  if (old.contentStreams.has(num)) return `page content stream ${num}`;
  if (old.pages.has(num)) return `page object ${num}`;
  if (num === old.rootNum) return `document catalog (object ${num})`;
  if (num === old.acroFormNum) return `AcroForm (object ${num})`;
  const type = value instanceof PdfStream ? value.dict.name('Type') : value instanceof PdfDict ? value.name('Type') : undefined;
  return `object ${num}${type ? ` (/${type})` : ''}`;
}
