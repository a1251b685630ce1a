import { isDict, PdfParseError, PdfRef } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

/** The first page's reference: the invisible signature widget is attached there. */
export function firstPageRef(reader: PdfReader): PdfRef {
  let node = reader.catalog().get('Pages');
  const seen = new Set<number>();
  for (let depth = 0; depth < 64; depth++) {
    if (!(node instanceof PdfRef)) throw new PdfParseError('page tree node is not an indirect object');
    if (seen.has(node.num)) throw new PdfParseError('page tree loops');
    seen.add(node.num);
    const dict = reader.dict(node);
    if (!dict) throw new PdfParseError('page tree node missing');
    const kids = reader.array(dict.get('Kids'));
    if (dict.name('Type') === 'Page' || (!kids && isDict(dict))) return node;
    if (!kids || kids.length === 0) throw new PdfParseError('document has no pages');
    node = kids[0];
  }
  throw new PdfParseError('page tree too deep');
}
