import { assign, type Column, headerColumns, linesBelow } from '../layout/columns.js';
import type { Line, Word } from '../layout/geometry.js';
import { cellText } from '../layout/lines.js';
import type { Activity } from '../types.js';
import type { FieldSet } from './field-set.js';

type Key = 'seqNo' | 'activity' | 'referenceDocs' | 'acceptanceCriteria' | 'verifyingRecord' | 'party';

function itpKey(text: string): Key {
  if (/^(no\.?|nr\.?|n°|item|seq\.?|step|pos\.?|ref\.? no|#)$/i.test(text.trim())) return 'seqNo';
  if (/activit|operation|description|beschreibung|tätigkeit|aktivitet|opération|inspection step/i.test(text)) return 'activity';
  if (/acceptance|akzeptanz|annahme|akseptanse|critères|criteria/i.test(text)) return 'acceptanceCriteria';
  if (/record|verifying|nachweis|dokumentasjon|enregistrement|report|protokoll/i.test(text)) return 'verifyingRecord';
  if (/reference|procedure|spec|norm|prosedyre|référence|vorschrift/i.test(text)) return 'referenceDocs';
  return 'party';
}

/** Intervention codes and their meaning from the document's own legend ("H = Hold point", "W - Witness"). */
export function legendCodes(lines: readonly Line[]): Set<string> {
  const codes = new Set<string>();
  const re =
    /\b([A-Z]{1,3})\s*(?:[=:–—-]+)\s*(hold|witness|review|monitor|perform|surveil|spot|inspect|document|random|information|attend|verif|prüf|halte|zeuge|overvåk|vitne|gjennomgang|point d)/gi;
  for (const l of lines) for (const m of l.text.matchAll(re)) if (m[1]) codes.add(m[1].toUpperCase());
  return codes;
}

/**
 * ITP activity rows: a row starts where the sequence column has a value; lines without one continue
 * the previous row (wrapped text). Party columns are the headers that are none of the standard
 * ones, kept only when their cells hold codes from the legend.
 */
export function extractActivities(lines: readonly Line[], set: FieldSet): void {
  const codes = legendCodes(lines);
  if (codes.size === 0) return;
  for (const [i, line] of lines.entries()) {
    const columns = headerColumns(line, itpKey) as Column<Key>[];
    const keys = new Set(columns.map((c) => c.key));
    if (!keys.has('activity') || !keys.has('seqNo') || !keys.has('party')) continue;
    const rows: { cells: Map<number, Word[]>; words: Word[] }[] = [];
    for (const row of linesBelow(lines, i, 25, 80)) {
      if (legendCodes([row]).size > 0) break;
      const byCol = assign(row, columns);
      const seqIdx = columns.findIndex((c) => c.key === 'seqNo');
      const last = rows[rows.length - 1];
      if (byCol.has(seqIdx)) rows.push({ cells: byCol, words: row.words });
      else if (last) {
        for (const [k, ws] of byCol) last.cells.set(k, [...(last.cells.get(k) ?? []), ...ws]);
        last.words.push(...row.words);
      }
    }
    const activities = rows.map((r) => toActivity(r.cells, columns, codes)).filter((a) => a.activity);
    if (activities.length > 0) {
      set.set(
        'activities',
        activities,
        rows.flatMap((r) => r.words),
        0.93,
      );
      return;
    }
  }
}

function toActivity(cells: Map<number, Word[]>, columns: readonly Column<Key>[], codes: Set<string>): Activity {
  const a: Activity = {};
  const interventions: Record<string, string> = {};
  columns.forEach((c, idx) => {
    const text = cellText(cells.get(idx) ?? []).trim();
    if (!text) return;
    if (c.key === 'party') {
      const parts = text.toUpperCase().split(/[\s/,+]+/);
      if (parts.every((p) => codes.has(p))) interventions[cellText(c.header)] = parts.join('/');
    } else if (c.key === 'referenceDocs') a.referenceDocs = text.split(/\s*[;,]\s*/);
    else a[c.key] = text;
  });
  if (Object.keys(interventions).length > 0) a.interventions = interventions;
  return a;
}
