/** The verification report: the DESIGN.md contract (`arkiv verify --json`, ingest, POST /verify). */
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | 'none';

export interface SignatureReport {
  field: string;
  subFilter: string;
  signer: { subject: string; serialNumber: string; certSha256: string } | null;
  claimedSigningTime: string | null;
  timestamp: { time: string; valid: boolean } | null;
  level: SignatureLevel;
  coversWholeDocument: boolean;
  digestValid: boolean;
  signatureValid: boolean;
  chainTrusted: boolean;
  problems: string[];
}

export interface VerificationReport {
  sha256: string;
  signatures: SignatureReport[];
  modifiedAfterLastSignature: boolean;
  valid: boolean;
  /**
   * Problems with the file itself (unreadable, no signatures, bytes appended): not one
   * signature's. An addition to the DESIGN.md schema, so a malformed file is explained.
   */
  problems: string[];
}

/** A signature counts as valid only when every check passed and nothing was flagged. */
export const signatureOk = (s: SignatureReport): boolean => s.digestValid && s.signatureValid && s.chainTrusted && s.problems.length === 0;
