import { type Cert, isCa, keyUsage, subjectString, validity } from './certificate.js';

export interface ChainResult {
  /** The path reaches one of the configured anchors with every link's signature valid. */
  trusted: boolean;
  /** Leaf first, anchor last (when trusted). */
  path: Cert[];
  problems: string[];
}

const MAX_PATH = 10;

/**
 * Builds a path from `leaf` to one of `anchors`, using `pool` (certificates from the CMS or the
 * DSS) for intermediates. Only the configured anchors can terminate a path: the operating
 * system's store is never consulted, because "trusted" must mean "trusted by this archive".
 */
export function buildChain(leaf: Cert, pool: Cert[], anchors: Cert[]): ChainResult {
  const path: Cert[] = [leaf];
  let cur = leaf;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    if (anchors.some((a) => sameCert(a, cur))) return { trusted: true, path, problems: [] };
    const anchor = anchors.find((a) => issued(a, cur));
    if (anchor) {
      path.push(anchor);
      return { trusted: true, path, problems: [] };
    }
    const next = pool.find((c) => !path.includes(c) && !sameCert(c, cur) && issued(c, cur));
    if (!next) break;
    if (!isCa(next) || (keyUsage(next).present && !keyUsage(next).keyCertSign)) {
      return { trusted: false, path, problems: [`certificate ${subjectString(next)} is not a CA but issued ${subjectString(cur)}`] };
    }
    path.push(next);
    cur = next;
  }
  const top = path[path.length - 1] ?? leaf;
  const reason =
    anchors.length === 0
      ? 'no trust anchors configured'
      : `chain ends at ${subjectString(top)} (issuer ${top.x509.issuer.split('\n').reverse().join(',')}), which is not a configured trust anchor`;
  return { trusted: false, path, problems: [reason] };
}

/** Certificates in the path that were not valid at `at`, as named problems. */
export function validityProblems(path: Cert[], at: Date, atLabel: string): string[] {
  const problems: string[] = [];
  for (const c of path) {
    const { notBefore, notAfter } = validity(c);
    if (at > notAfter)
      problems.push(`certificate ${subjectString(c)} expired on ${notAfter.toISOString()} (checked at ${atLabel} ${at.toISOString()})`);
    if (at < notBefore) problems.push(`certificate ${subjectString(c)} was not yet valid at ${atLabel} ${at.toISOString()}`);
  }
  return problems;
}

function issued(issuer: Cert, child: Cert): boolean {
  try {
    return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** Same certificate, or the same subject with the same key (a re-issued anchor). */
function sameCert(a: Cert, b: Cert): boolean {
  if (a.sha256 === b.sha256) return true;
  try {
    const ka = a.x509.publicKey.export({ type: 'spki', format: 'der' });
    const kb = b.x509.publicKey.export({ type: 'spki', format: 'der' });
    return a.x509.subject === b.x509.subject && ka.equals(kb);
  } catch {
    return false;
  }
}
