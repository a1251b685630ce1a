import { assign, headerColumns, linesBelow } from '../layout/columns.js';
import type { Line, Word } from '../layout/geometry.js';
import { cells, cellText } from '../layout/lines.js';
import type { FieldSet } from './field-set.js';
import { parseNumber } from './numbers.js';
import { isHeat } from './validators.js';

const SYMBOLS = [
  'C',
  'Si',
  'Mn',
  'P',
  'S',
  'Cr',
  'Ni',
  'Mo',
  'Cu',
  'V',
  'Nb',
  'Ti',
  'Al',
  'N',
  'B',
  'W',
  'Co',
  'Sn',
  'As',
  'Ca',
  'Zr',
  'Pb',
  'Sb',
  'Bi',
  'Ta',
  'Fe',
  'H',
  'O',
  'Mg',
  'Zn',
  'Se',
  'Ce',
];
const BY_UPPER = new Map(SYMBOLS.map((s) => [s.toUpperCase(), s]));
/** Rows that state limits, not results. */
const LIMIT_ROW = /^(min|max|spec|limit|req|soll|krav|grenz|norm|mini|maxi)/i;
const PRODUCT_ROW = /\b(product|prod|stück|produkt|check|P)\b/i;

/** Element symbol of a header cell ("Mn", "MN", "Al(s)", "C %"), if it is one. */
export function elementOf(text: string): string | undefined {
  const t = text
    .trim()
    .replace(/\s*(\(.*\)|%|\[%\])$/, '')
    .replace(/^C\d{2}\s+/, '');
  return BY_UPPER.get(t.toUpperCase());
}

interface Row {
  label: string;
  values: Record<string, number>;
  words: Word[];
}

/**
 * Chemical composition from a table with element symbols as column headers (rows per heat), or
 * printed vertically (one element per row). Sets chemistry (first heat, product analysis when
 * both are given), chemistryByHeat for several heats, and returns the heat numbers seen.
 */
export function extractChemistry(lines: readonly Line[], set: FieldSet, commaDecimal: boolean): string[] {
  for (const [i, line] of lines.entries()) {
    const columns = headerColumns(line, elementOf);
    if (columns.filter((c) => c.key).length < 3) continue;
    const rows: Row[] = [];
    for (const below of linesBelow(lines, i, 30, 12)) {
      const byCol = assign(below, columns);
      const values: Record<string, number> = {};
      const words: Word[] = [];
      const labelWords: Word[] = [];
      for (const [idx, ws] of byCol) {
        const key = columns[idx]?.key;
        if (!key) {
          labelWords.push(...ws);
          continue;
        }
        const n = parseNumber(ws.map((w) => w.text).join(''), commaDecimal);
        if (n !== undefined && n >= 0 && n < 100) {
          values[key] = n;
          words.push(...ws);
        }
      }
      const firstEl = columns.find((c) => c.key);
      const label = cellText(labelWords.filter((w) => w.x1 <= (firstEl?.x0 ?? 0) + 2));
      if (Object.keys(values).length < 2) {
        if (rows.length > 0) break;
        continue;
      }
      if (LIMIT_ROW.test(label)) continue;
      rows.push({ label, values, words });
    }
    if (rows.length > 0) return commit(rows, set);
  }
  return vertical(lines, set, commaDecimal);
}

function commit(rows: Row[], set: FieldSet): string[] {
  const heats = new Map<string, Row[]>();
  for (const r of rows) {
    const heat = r.label.split(/\s+/).find(isHeat) ?? '';
    const list = heats.get(heat) ?? [];
    list.push(r);
    heats.set(heat, list);
  }
  const [firstRows = []] = heats.values();
  const chosen = firstRows.find((r) => PRODUCT_ROW.test(r.label.replace(/^\S+\s*/, ''))) ?? firstRows[0];
  if (!chosen) return [];
  set.set('chemistry', chosen.values, chosen.words, 0.95);
  const named = [...heats.entries()].filter(([h]) => h);
  if (named.length > 1) {
    const byHeat = Object.fromEntries(
      named.map(([h, rs]) => [h, (rs.find((r) => PRODUCT_ROW.test(r.label.replace(/^\S+\s*/, ''))) ?? rs[0])?.values ?? {}]),
    );
    set.set(
      'chemistryByHeat',
      byHeat,
      rows.flatMap((r) => r.words),
      0.95,
    );
  }
  return named.map(([h]) => h);
}

/** "C | 0,021" per line, at least three in a row at the same x. */
function vertical(lines: readonly Line[], set: FieldSet, commaDecimal: boolean): string[] {
  let run: { el: string; n: number; words: Word[]; x: number; page: number }[] = [];
  const flush = () => {
    if (run.length >= 3) {
      set.set(
        'chemistry',
        Object.fromEntries(run.map((r) => [r.el, r.n])),
        run.flatMap((r) => r.words),
        0.93,
      );
      return true;
    }
    run = [];
    return false;
  };
  for (const line of lines) {
    const cs = cells(line);
    let hit = false;
    for (const [k, c] of cs.entries()) {
      const el = elementOf(cellText(c));
      const next = cs[k + 1];
      const n = next ? parseNumber(cellText(next), commaDecimal) : undefined;
      const x = (c[0] as Word).x0;
      if (!el || n === undefined || !next) continue;
      const last = run[run.length - 1];
      if (last && (Math.abs(last.x - x) > 6 || last.page !== line.page)) continue;
      run.push({ el, n, words: [...c, ...next], x, page: line.page });
      hit = true;
      break;
    }
    if (!hit && run.length > 0 && flush()) return [];
  }
  flush();
  return [];
}
