/**
 * The extraction result: the wire contract of DESIGN.md ("Extraction result"). Stored per revision
 * and printed by `arkiv extract --json`, so shape changes must stay backwards compatible.
 */
export type DocClass = 'mill_cert' | 'coc' | 'itp' | 'other';
export type CertType = '2.1' | '2.2' | '3.1' | '3.2';
export type ValueSource = 'text' | 'ocr';

export interface Item {
  description?: string;
  partNo?: string;
  tagNo?: string;
  quantity?: string;
}

export interface Activity {
  seqNo?: string;
  activity?: string;
  referenceDocs?: string[];
  acceptanceCriteria?: string;
  verifyingRecord?: string;
  interventions?: Record<string, string>;
}

export interface Fields {
  documentNumber?: string;
  issueDate?: string;
  manufacturer?: string;
  purchaser?: string;
  poNumber?: string;
  product?: string;
  grade?: string;
  materialStandards?: string[];
  heatNumbers?: string[];
  dimensions?: string;
  quantity?: string;
  chemistry?: Record<string, number>;
  chemistryByHeat?: Record<string, Record<string, number>>;
  yieldStrengthMpa?: number;
  tensileStrengthMpa?: number;
  elongationPct?: number;
  impactJ?: number[];
  impactTempC?: number;
  inspector?: string;
  issuer?: string;
  customer?: string;
  signatoryName?: string;
  items?: Item[];
  specifications?: string[];
  revision?: string;
  project?: string;
  activities?: Activity[];
}

export type FieldName = keyof Fields;

/** Box in PDF points, origin at the page's top-left corner: [x0, y0, x1, y1]. */
export type Box = [number, number, number, number];

export interface Provenance {
  page: number;
  box: Box;
  source: ValueSource;
}

export interface ExtractionResult {
  docClass: DocClass;
  certType: CertType | null;
  certTypeRaw?: string;
  source: 'text' | 'ocr' | 'mixed';
  pages: number;
  fields: Fields;
  fieldConfidence: Partial<Record<FieldName, number>>;
  provenance: Partial<Record<FieldName, Provenance>>;
  extractorVersion?: string;
}

/** Confidence at or above which a field is accepted without human review. */
export const AUTO_ACCEPT_CONFIDENCE = 0.9;
