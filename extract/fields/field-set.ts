import { boxOf, minConf, type Word } from '../layout/geometry.js';
import type { FieldName, Fields, Provenance } from '../types.js';

/**
 * Collects field values with their evidence. The first value set for a field wins unless a later
 * one is more confident: extractors run strongest anchors first (EN 10168 codes, then labels).
 */
export class FieldSet {
  readonly fields: Fields = {};
  readonly confidence: Partial<Record<FieldName, number>> = {};
  readonly provenance: Partial<Record<FieldName, Provenance>> = {};

  set<K extends FieldName>(name: K, value: Fields[K], words: readonly Word[], method: number): void {
    if (value === undefined || words.length === 0) return;
    const conf = Math.round(method * readingConfidence(words) * 1000) / 1000;
    const current = this.confidence[name];
    if (current !== undefined && current >= conf) return;
    this.fields[name] = value;
    this.confidence[name] = conf;
    const first = words[0] as Word;
    this.provenance[name] = { page: first.page, box: boxOf(words.filter((w) => w.page === first.page)), source: first.source };
  }

  has(name: FieldName): boolean {
    return this.fields[name] !== undefined;
  }

  /** Lowers confidence after a failed consistency check; the value stays, a reviewer decides. */
  penalise(name: FieldName, factor: number): void {
    const c = this.confidence[name];
    if (c !== undefined) this.confidence[name] = Math.round(c * factor * 1000) / 1000;
  }
}

/**
 * OCR word confidences are weak evidence above ~0.9 and strong evidence of trouble below it, so
 * the weakest word of a value drives its confidence down steeply.
 */
export function readingConfidence(words: readonly Word[]): number {
  const c = minConf(words);
  if (c >= 0.93) return 1;
  return Math.max(0, 1 - (0.93 - c) * 1.6);
}
