import { describe, expect, it } from 'vitest';
import { declaredSha256, parseRange, reprDigest } from './digest-headers.js';

const hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const b64 = Buffer.from(hex, 'hex').toString('base64');

describe('digest headers', () => {
  it('reads Repr-Digest, Content-Digest and X-Checksum-Sha256 (hex or base64)', () => {
    expect(declaredSha256(new Headers({ 'repr-digest': `sha-512=:AAAA:, sha-256=:${b64}:` }))).toBe(hex);
    expect(declaredSha256(new Headers({ 'content-digest': `sha-256=:${b64}:` }))).toBe(hex);
    expect(declaredSha256(new Headers({ 'x-checksum-sha256': hex.toUpperCase() }))).toBe(hex);
    expect(declaredSha256(new Headers({ 'x-checksum-sha256': b64 }))).toBe(hex);
    expect(declaredSha256(new Headers())).toBeUndefined();
    expect(() => declaredSha256(new Headers({ 'x-checksum-sha256': 'abc' }))).toThrow(/SHA-256/);
    expect(reprDigest(hex)).toBe(`sha-256=:${b64}:`);
  });

  it('parses single byte ranges and rejects unsatisfiable ones', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(() => parseRange('bytes=100-', 100)).toThrow();
  });
});
