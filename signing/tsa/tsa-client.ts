import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SigningError } from '../errors.js';
import type { Cert } from '../pki/certificate.js';
import { buildChain, validityProblems } from '../pki/chain.js';
import { OID } from '../pki/oids.js';
import { checkTimestamp, parseTimestampToken } from './timestamp-token.js';

export interface TsaOptions {
  url: string;
  timeoutMs?: number;
  /** When given, the TSA certificate must chain to one of these. */
  trustAnchors?: Cert[];
}

export interface TimestampResult {
  token: Uint8Array;
  genTime: Date;
}

/**
 * Gets an RFC 3161 token over `data` and verifies it before use: status granted, our nonce, our
 * imprint, the TSA's signature, its timeStamping purpose (and, if anchors are given, its chain).
 * Anything else is a `tsa_failed` SigningError: a B-T signature is never built on a token we
 * have not checked.
 */
export async function requestTimestamp(data: Uint8Array, opts: TsaOptions): Promise<TimestampResult> {
  const digest = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] ?? 0) & 0x7f; // positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest).buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce).buffer }),
    certReq: true,
  });
  let body: ArrayBuffer;
  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: Buffer.from(req.toSchema().toBER()),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.arrayBuffer();
  } catch (err) {
    throw new SigningError('tsa_failed', `time-stamp authority unreachable: ${(err as Error).message}`, { cause: err });
  }
  try {
    const resp = pkijs.TimeStampResp.fromBER(body);
    const status = resp.status.status;
    if ((status !== 0 && status !== 1) || !resp.timeStampToken) throw new Error(`TSA refused the request (status ${status})`);
    const token = new Uint8Array(resp.timeStampToken.toSchema().toBER());
    const ts = parseTimestampToken(token);
    const tokenNonce = ts.tstInfo.nonce;
    if (!tokenNonce?.isEqual(req.nonce as asn1js.Integer)) throw new Error('nonce does not match (replayed response?)');
    const check = checkTimestamp(ts, digest);
    if (!check.imprintValid || !check.signatureValid || check.problems.length > 0) throw new Error(check.problems.join('; '));
    if (opts.trustAnchors && ts.tsaCert) {
      const chain = buildChain(ts.tsaCert, ts.cms.certs, opts.trustAnchors);
      const problems = [...chain.problems, ...validityProblems(chain.path, ts.genTime, 'time-stamp time')];
      if (!chain.trusted || problems.length > 0) throw new Error(problems.join('; '));
    }
    return { token, genTime: ts.genTime };
  } catch (err) {
    throw new SigningError('tsa_failed', `time-stamp response rejected: ${(err as Error).message}`, { cause: err });
  }
}
