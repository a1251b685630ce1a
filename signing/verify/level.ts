import type { SignatureFinding, VerifyContext } from './context.js';
import type { SignatureLevel } from './report.js';

/**
 * The PAdES baseline level a signature actually reaches (ETSI EN 319 142-1), not what its
 * SubFilter claims: B-B needs CAdES with a bound signing certificate; B-T a valid time-stamp;
 * B-LT a DSS added after it; B-LTA a valid document time-stamp over that DSS. Revocation data in
 * the DSS is not evaluated here.
 */
export function signatureLevel(ctx: VerifyContext, f: SignatureFinding, docStamps: SignatureFinding[], problems: string[]): SignatureLevel {
  if (f.isDocTimestamp || !f.cades || !f.essBound || !f.digestValid || !f.signatureValid || problems.length > 0) return 'none';
  const covering = docStamps.filter((d) => d.end > f.end);
  if (!f.timestamp?.valid && covering.length === 0) return 'B-B';
  const dssAt = (end: number) => {
    try {
      return ctx.reader.before(end).catalog().get('DSS') !== undefined;
    } catch {
      return false;
    }
  };
  const hasDss = dssAt(ctx.src.size + 1);
  if (!hasDss) return 'B-T';
  if (covering.some((d) => dssAt(d.end))) return 'B-LTA';
  return 'B-LT';
}
