import { SigningError } from '../errors.js';
import { isDict } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

/**
 * A certification signature with DocMDP P=1 forbids any change, a new signature included.
 * Signing anyway would invalidate the certification, so refuse.
 */
export function assertSigningAllowed(reader: PdfReader): void {
  const perms = reader.dict(reader.catalog().get('Perms'));
  const sig = reader.dict(perms?.get('DocMDP'));
  const refs = reader.array(sig?.get('Reference')) ?? [];
  for (const r of refs) {
    const ref = reader.dict(r);
    if (ref?.name('TransformMethod') !== 'DocMDP') continue;
    const params = reader.dict(ref.get('TransformParams'));
    const p = params?.get('P') ?? 2;
    if (isDict(params) && p === 1)
      throw new SigningError('pdf_certified_no_changes', 'the document is certified with no changes permitted');
  }
}
