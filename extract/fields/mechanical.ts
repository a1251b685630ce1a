import { assign, type Column, headerColumns, linesBelow } from '../layout/columns.js';
import type { Line, Word } from '../layout/geometry.js';
import type { FieldSet } from './field-set.js';
import { numbersIn, parseNumber } from './numbers.js';
import { energyUnitIn, stressUnitIn, temperatureIn, toCelsius, toJoule, toMpa } from './units.js';

type Key = 'yield' | 'tensile' | 'elong' | 'impact' | 'mean' | 'temp';

const IMPACT = /\b(KV\d?|CVN|charpy|impact|ISO-?V|C4[0-2])\b|kerbschlag|slagseighet|choc|résilience|skårslag/i;

/** Column key of a tensile/impact table header cell, multilingual, EN 10168 codes included. */
export function mechanicalKey(text: string): Key | undefined {
  if (IMPACT.test(text)) return 'impact';
  if (/\b(mean|avg|average|mittel(wert)?|moyenne|snitt|gjennomsnitt|C43)\b/i.test(text)) return 'mean';
  if (/\b(temp|C03)\b|prüftemp|température|°[CF]\s*$/i.test(text)) return 'temp';
  if (/\b(Rm|tensile|UTS|T\.?S\.?|C12)\b|zugfestigkeit|résistance|strekkfasthet|bruddgrense/i.test(text)) return 'tensile';
  if (/\b(ReH|ReL|Re|Rp\s?0[.,]2|Rp|Rt\s?0[.,]5|yield|Y\.?S\.?|C11)\b|streckgrenze|dehngrenze|élasticité|flytegrense/i.test(text))
    return 'yield';
  if (/\b(A5|A50|A%|A|elong\w*|C13)\b|dehnung|allongement|forlengelse/i.test(text)) return 'elong';
  return undefined;
}

/**
 * Tensile and impact results from tables whose headers name the quantities. Units come from the
 * header block or the title just above it (ksi, ft·lbf and °F are converted). The first result
 * row is taken: for several heats, the first heat's results, as for chemistry.
 */
export function extractMechanical(lines: readonly Line[], set: FieldSet, commaDecimal: boolean): void {
  for (const [i, line] of lines.entries()) {
    const columns = withNumberedImpact(headerColumns(line, mechanicalKey));
    // A title line ("C10 Tensile test") is one cell; a table header has several keyed columns.
    if (columns.filter((c) => c.key).length < 2) continue;
    const keys = new Set(columns.map((c) => c.key).filter(Boolean));
    const isTensile = keys.has('yield') || keys.has('tensile');
    if (!isTensile && !keys.has('impact')) continue;
    const context = [lines[i - 1], line, ...linesBelow(lines, i, 20, 2)].filter((l): l is Line => !!l && l.page === line.page);
    const headerText = context.map((l) => l.text).join(' ');
    if (isTensile && !set.has('yieldStrengthMpa')) {
      for (const row of linesBelow(lines, i, 30, 6)) {
        const byCol = assign(row, columns);
        const nums = (key: Key) => columns.flatMap((c, idx) => (c.key === key ? (byCol.get(idx) ?? []) : []));
        if (setTensile(set, nums, columns, headerText, commaDecimal)) break;
      }
    }
    if (keys.has('impact') && !set.has('impactJ')) impactFromColumns(lines, i, columns, headerText, set, commaDecimal);
  }
  inlineImpact(lines, set, commaDecimal);
}

/** "1 | 2 | 3 | Mean" under an impact title: the numbered columns are the individual values. */
function withNumberedImpact(columns: Column<Key | undefined>[]): Column<Key | undefined>[] {
  const numbered = (c: Column<Key | undefined>) => /^(\D{0,8}\s)?[1-3]$/.test(c.header.map((w) => w.text).join(' '));
  if (!columns.some((c) => c.key === 'mean') || columns.filter(numbered).length < 2) return columns;
  return columns.map((c) => (numbered(c) ? { ...c, key: 'impact' } : c));
}

function setTensile(
  set: FieldSet,
  nums: (k: Key) => Word[],
  columns: readonly Column<Key | undefined>[],
  headerText: string,
  comma: boolean,
): boolean {
  const first = (k: Key) => {
    const ws = nums(k);
    const n = ws.map((w) => parseNumber(w.text, comma)).find((x) => x !== undefined);
    return n === undefined ? undefined : { n, ws };
  };
  const ys = first('yield');
  const ts = first('tensile');
  if (!ys && !ts) return false;
  const unitOf = (k: Key) =>
    stressUnitIn(
      columns
        .find((c) => c.key === k)
        ?.header.map((w) => w.text)
        .join(' ') ?? '',
    ) ??
    stressUnitIn(headerText) ??
    'MPa';
  if (ys) set.set('yieldStrengthMpa', toMpa(ys.n, unitOf('yield')), ys.ws, 0.95);
  if (ts) set.set('tensileStrengthMpa', toMpa(ts.n, unitOf('tensile')), ts.ws, 0.95);
  const el = first('elong');
  if (el && el.n > 0 && el.n < 100) set.set('elongationPct', el.n, el.ws, 0.95);
  return true;
}

function impactFromColumns(
  lines: readonly Line[],
  i: number,
  columns: readonly Column<Key | undefined>[],
  headerText: string,
  set: FieldSet,
  comma: boolean,
): void {
  for (const row of linesBelow(lines, i, 30, 6)) {
    const byCol = assign(row, columns);
    const pick = (k: Key) => columns.flatMap((c, idx) => (c.key === k ? (byCol.get(idx) ?? []) : []));
    const impactWords = [...pick('impact'), ...pick('mean')];
    // Sub-header rows ("Prøve 1 | Prøve 2") carry digits too; results carry no words.
    if (impactWords.length === 0 || impactWords.some((w) => /\p{L}{3,}/u.test(w.text) && !/^\(?(avg|mean)/i.test(w.text))) continue;
    const temp = pick('temp');
    const tempText = temp.length > 0 ? `${temp.map((w) => w.text).join(' ')} °${/°F/.test(headerText) ? 'F' : 'C'}` : '';
    if (setImpact(set, impactWords, `${headerText} ${tempText}`, comma, temp.length > 0)) return;
  }
}

/** Individual impact values: three numbers, a trailing mean dropped when it is the mean. */
function setImpact(set: FieldSet, words: Word[], context: string, comma: boolean, tempFromRow = false): boolean {
  const numeric = words.filter((w) => parseNumber(w.text, comma) !== undefined && !/^[-−]$/.test(w.text));
  const values = numeric.map((w) => parseNumber(w.text, comma) as number).filter((n) => n >= 0);
  const valueWords = numeric.filter((w) => (parseNumber(w.text, comma) as number) >= 0);
  if (values.length < 3) return false;
  const three = values.slice(0, 3);
  const unit = energyUnitIn(context) ?? 'J';
  set.set(
    'impactJ',
    three.map((v) => toJoule(v, unit)),
    valueWords.slice(0, 3),
    0.94,
  );
  if (values.length >= 4) {
    const mean = (three[0] as number) / 3 + (three[1] as number) / 3 + (three[2] as number) / 3;
    if (Math.abs((values[3] as number) - mean) > 1.5) set.penalise('impactJ', 0.7);
  } else if (
    valueWords.some((w) => w.source === 'ocr') &&
    /\b(mean|avg|average|mittel\w*|moyenne|snitt|gjennomsnitt|C43)\b/i.test(context)
  ) {
    // A mean is printed but only three numbers were read: one value was lost and the mean may
    // stand in its place. Nothing to check against, so a person looks.
    set.penalise('impactJ', 0.85);
  }
  const t = temperatureIn(tempFromRow ? context.split(' ').slice(-2).join(' ') : context) ?? temperatureIn(context);
  if (t) set.set('impactTempC', toCelsius(t.value, t.unit), valueWords.slice(0, 1), 0.92);
  return true;
}

/** "KV (J) à -20 °C : 64 / 120 / 90" — impact printed as a sentence. */
function inlineImpact(lines: readonly Line[], set: FieldSet, comma: boolean): void {
  if (set.has('impactJ')) return;
  for (const [i, line] of lines.entries()) {
    if (!IMPACT.test(line.text)) continue;
    const after = line.text.split(/:\s/).slice(1).join(' ');
    if (numbersIn(after, comma).length >= 3) {
      const words = splitAtSlashes(line.words.filter((w) => after.includes(w.text)));
      if (setImpact(set, words, line.text, comma)) return;
    }
    // Title line above a small table of individual values ("1 | 2 | 3 | mean").
    for (const below of linesBelow(lines, i, 30, 3)) {
      if (/[a-z]{3}/i.test(below.text) && numbersIn(below.text, comma).length < 3) continue;
      if (setImpact(set, below.words, line.text, comma)) return;
    }
  }
}

/** "94/72" read as one word where "94 / 72" is printed: one word per number, each with its share of the box. */
function splitAtSlashes(words: readonly Word[]): Word[] {
  return words.flatMap((w) => {
    const parts = w.text.split('/');
    if (parts.length < 2 || parts.some((p) => !p)) return [w];
    const unit = (w.x1 - w.x0) / w.text.length;
    let at = 0;
    return parts.map((p) => {
      const x0 = w.x0 + at * unit;
      at += p.length + 1;
      return { ...w, text: p, x0, x1: x0 + p.length * unit };
    });
  });
}
