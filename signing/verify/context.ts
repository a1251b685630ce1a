import type { ByteSource } from '../pdf/byte-source.js';
import type { RangeReader } from '../pdf/digest-ranges.js';
import type { PdfReader } from '../pdf/reader.js';
import type { Cert } from '../pki/certificate.js';

export interface VerifyContext {
  reader: PdfReader;
  src: ByteSource;
  read: RangeReader;
  anchors: Cert[];
  now: Date;
}

/** One signature's findings before the document-wide pass (trusted time, level, later changes). */
export interface SignatureFinding {
  field: string;
  subFilter: string;
  isDocTimestamp: boolean;
  end: number;
  coversWholeDocument: boolean;
  digestValid: boolean;
  signatureValid: boolean;
  signer: Cert | undefined;
  /** Certificates usable for path building (from the CMS). */
  pool: Cert[];
  claimedSigningTime: Date | undefined;
  /** `problems`: the token is broken (always reported); `untrusted`: why it cannot serve as trusted time. */
  timestamp: { time: Date; valid: boolean; problems: string[]; untrusted?: string[] } | undefined;
  /** The TSA certificate of `timestamp` and the certificates its token carries. */
  tsaCert?: Cert | undefined;
  tsaPool?: Cert[];
  /** signing-certificate(-v2) attribute present and bound to the signer certificate. */
  essBound: boolean;
  cades: boolean;
  problems: string[];
}
