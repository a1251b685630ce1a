import { AppError } from '../../core/errors.js';

/**
 * The SHA-256 a client declares for its upload, from `Repr-Digest`/`Content-Digest`
 * (RFC 9530: `sha-256=:<base64>:`) or `X-Checksum-Sha256` (hex or base64). Lower-case hex.
 */
export function declaredSha256(headers: Headers): string | undefined {
  for (const name of ['repr-digest', 'content-digest']) {
    const value = headers.get(name);
    if (!value) continue;
    const match = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/i.exec(value);
    if (match?.[1]) return fromBase64(match[1], name);
  }
  const checksum = headers.get('x-checksum-sha256')?.trim();
  if (checksum) {
    if (/^[0-9a-fA-F]{64}$/.test(checksum)) return checksum.toLowerCase();
    return fromBase64(checksum, 'x-checksum-sha256');
  }
  return undefined;
}

function fromBase64(value: string, header: string): string {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32) throw new AppError('bad_request', `${header} does not hold a SHA-256 digest`);
  return bytes.toString('hex');
}

export function reprDigest(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}

/** Parses a single `bytes=` range (multi-range requests get the whole file, as RFC 9110 allows). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, a, b] = match;
  if (a === '' && b === '') return undefined;
  if (size === 0) throw new AppError('range_not_satisfiable', 'the file is empty');
  if (a === '') {
    const suffix = Math.min(Number(b), size);
    if (suffix === 0) throw new AppError('range_not_satisfiable', 'empty suffix range');
    return { start: size - suffix, end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) throw new AppError('range_not_satisfiable', 'the requested range is outside the file');
  return { start, end };
}
