import { type Column, headerColumns, linesBelow } from '../layout/columns.js';
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

/** The order most mills print elements in; a single unread header between two read ones is implied. */
const CANONICAL = ['C', 'Si', 'Mn', 'P', 'S', 'Cr', 'Ni', 'Mo', 'Cu', 'V', 'Nb', 'Ti', 'Al', 'N', 'B'];

/**
 * Element symbol of a header cell as OCR reads it: rule glyphs stuck to it, a doubled single
 * letter ("Cc", "Ss" for C, S), "l", "|", "1" or "!" for "I" ("sl", "s|" for Si). `exact` is false
 * when a repair was needed: the column is then less certain.
 */
export function elementOfOcr(text: string): { el: string; exact: boolean } | undefined {
  return elementReadings(text)[0];
}

/**
 * Every element a header cell may be, most likely first: "S|" is S beside a rule or "SI" with its
 * I read as a bar. The table decides: a symbol another column already has is not this one.
 */
export function elementReadings(text: string): { el: string; exact: boolean }[] {
  const exact = elementOf(text);
  if (exact) return [{ el: exact, exact: true }];
  const out: { el: string; exact: boolean }[] = [];
  const add = (el: string | undefined) => {
    if (el && !out.some((o) => o.el === el)) out.push({ el, exact: false });
  };
  const t = text.trim().replace(/^[|[\]]+|[|[\]]+$/g, '');
  add(elementOf(t));
  const doubled = /^([a-z])\1$/i.exec(t)?.[1];
  add(doubled ? BY_UPPER.get(doubled.toUpperCase()) : undefined);
  add(elementOf(text.trim().replace(/[|l1!]/g, 'I')));
  return out;
}

/** A repaired header symbol that another column also claims takes its next reading, if that one is free. */
function resolveDuplicates(columns: Column<string | undefined>[]): void {
  const count = new Map<string, number>();
  for (const c of columns) if (c.key) count.set(c.key, (count.get(c.key) ?? 0) + 1);
  for (const c of columns) {
    if (!c.key || (count.get(c.key) ?? 0) < 2) continue;
    const readings = elementReadings(cellText(c.header));
    if (readings[0]?.exact) continue;
    const alt = readings.find((r) => !count.has(r.el));
    if (!alt) continue;
    count.set(c.key, (count.get(c.key) ?? 1) - 1);
    count.set(alt.el, 1);
    c.key = alt.el;
  }
}

/** A plausible number as OCR gives it: "02" is ".02" with its dot lost, not two. */
function chemValue(raw: string, commaDecimal: boolean): number | undefined {
  if (/^0\d/.test(raw.trim())) return undefined;
  const n = parseNumber(raw, commaDecimal);
  return n !== undefined && n >= 0 && n < 100 ? n : undefined;
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
    let repaired = false;
    const columns = headerColumns(line, (t) => {
      const r = elementOfOcr(t);
      if (r && !r.exact) repaired = true;
      return r?.el;
    });
    if (columns.filter((c) => c.key).length < 3) continue;
    resolveDuplicates(columns);
    const rows: Row[] = [];
    let implied = false;
    const firstEl = columns.find((c) => c.key);
    for (const below of linesBelow(lines, i, 30, 12)) {
      const placed = placeCells(below, columns, commaDecimal);
      implied ||= placed.implied;
      const label = cellText(below.words.filter((w) => w.x1 <= (firstEl?.x0 ?? 0) + 2));
      if (Object.keys(placed.values).length < 2) {
        if (rows.length > 0) break;
        continue;
      }
      // A quote or bar before the label is a speck or a rule ("‘Max").
      if (LIMIT_ROW.test(label.replace(/^[\p{P}\p{S}\s]+/u, ''))) continue;
      rows.push({ label, values: placed.values, words: placed.words });
    }
    // Repaired or implied headers put a value under a column by inference: a person confirms it.
    if (rows.length > 0) return commit(rows, set, repaired || implied ? 0.85 : 0.95);
  }
  return vertical(lines, set, commaDecimal);
}

/**
 * Values of one row placed under the header they line up with (left, right or centre alignment,
 * whichever is closest). A value under no header of its own, between two read headers whose
 * symbols are one apart in the usual order, belongs to the one in between ("Mn _ S" is P).
 */
function placeCells(
  row: Line,
  columns: readonly Column<string | undefined>[],
  commaDecimal: boolean,
): { values: Record<string, number>; words: Word[]; implied: boolean } {
  const keyed = columns.filter((c) => c.key);
  const hx = (c: Column<string | undefined>) => ({ x0: (c.header[0] as Word).x0, x1: (c.header[c.header.length - 1] as Word).x1 });
  const claims = new Map<number, { dist: number; n: number; ws: Word[] }>();
  const orphans: { n: number; ws: Word[]; cx: number }[] = [];
  for (const cell of cells(row)) {
    // A lone mark beside a value (":", "-", "'") is a speck or a rule, not part of it: no
    // composition is negative.
    const n = chemValue(cellText(cell.filter((w) => !/^[\p{P}\p{S}]+$/u.test(w.text))), commaDecimal);
    if (n === undefined) continue;
    const x0 = (cell[0] as Word).x0;
    const x1 = (cell[cell.length - 1] as Word).x1;
    let best = -1;
    let bestDist = Number.POSITIVE_INFINITY;
    keyed.forEach((c, k) => {
      const h = hx(c);
      const d = Math.min(Math.abs(x0 - h.x0), Math.abs(x1 - h.x1), Math.abs((x0 + x1) / 2 - (h.x0 + h.x1) / 2));
      if (d < bestDist) [best, bestDist] = [k, d];
    });
    const colW =
      keyed.length > 1 ? (hx(keyed[keyed.length - 1] as Column<string>).x0 - hx(keyed[0] as Column<string>).x0) / (keyed.length - 1) : 40;
    if (best < 0 || bestDist > colW * 0.45) {
      orphans.push({ n, ws: cell, cx: (x0 + x1) / 2 });
      continue;
    }
    const prev = claims.get(best);
    if (prev && prev.dist <= bestDist) orphans.push({ n, ws: cell, cx: (x0 + x1) / 2 });
    else {
      if (prev) orphans.push({ n: prev.n, ws: prev.ws, cx: ((prev.ws[0] as Word).x0 + (prev.ws[prev.ws.length - 1] as Word).x1) / 2 });
      claims.set(best, { dist: bestDist, n, ws: cell });
    }
  }
  const values: Record<string, number> = {};
  const words: Word[] = [];
  for (const [k, c] of claims) {
    const el = keyed[k]?.key;
    if (!el) continue;
    values[el] = c.n;
    words.push(...c.ws);
  }
  let implied = false;
  const present = new Set(keyed.map((c) => c.key));
  for (const o of orphans) {
    const left = [...keyed].reverse().find((c) => hx(c).x1 < o.cx);
    const right = keyed.find((c) => hx(c).x0 > o.cx);
    const a = CANONICAL.indexOf(left?.key ?? '');
    const b = CANONICAL.indexOf(right?.key ?? '');
    const between = a >= 0 && b === a + 2 ? CANONICAL[a + 1] : undefined;
    if (between && !present.has(between) && values[between] === undefined) {
      values[between] = o.n;
      words.push(...o.ws);
      implied = true;
    }
  }
  return { values, words, implied };
}

function commit(rows: Row[], set: FieldSet, method: number): string[] {
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
  set.set('chemistry', chosen.values, chosen.words, method);
  const named = [...heats.entries()].filter(([h]) => h);
  if (named.length > 1) {
    const byHeat = Object.fromEntries(
      named.map(([h, rs]) => [h, (rs.find((r) => PRODUCT_ROW.test(r.label.replace(/^\S+\s*/, ''))) ?? rs[0])?.values ?? {}]),
    );
    set.set(
      'chemistryByHeat',
      byHeat,
      rows.flatMap((r) => r.words),
      method,
    );
  }
  return named.map(([h]) => h);
}

/** "C | 0,021" per line, at least three in a row at the same x. */
function vertical(lines: readonly Line[], set: FieldSet, commaDecimal: boolean): string[] {
  let run: { el: string; n: number; words: Word[]; x: number; vx: number; page: number; exact: boolean }[] = [];
  const flush = () => {
    if (run.length >= 3) {
      set.set(
        'chemistry',
        Object.fromEntries(run.map((r) => [r.el, r.n])),
        run.flatMap((r) => r.words),
        run.every((r) => r.exact) ? 0.93 : 0.85,
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
      const sym = elementOfOcr(cellText(c));
      const next = cs[k + 1];
      const n = next ? chemValue(cellText(next), commaDecimal) : undefined;
      const x = (c[0] as Word).x0;
      if (!sym || n === undefined || !next) continue;
      const last = run[run.length - 1];
      if (last && (Math.abs(last.x - x) > 6 || last.page !== line.page)) continue;
      run.push({ el: sym.el, n, words: [...c, ...next], x, vx: (next[0] as Word).x0, page: line.page, exact: sym.exact });
      hit = true;
      break;
    }
    // A row whose symbol OCR lost still shows its value under the others: skip it, do not end the run.
    const last = run[run.length - 1];
    const lostSymbol =
      !hit &&
      last &&
      last.page === line.page &&
      cs.some((c) => Math.abs((c[0] as Word).x0 - last.vx) < 6 && parseNumber(cellText(c), commaDecimal) !== undefined);
    if (!hit && !lostSymbol && run.length > 0 && flush()) return [];
  }
  flush();
  return [];
}
