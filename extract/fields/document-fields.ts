import type { Line } from '../layout/geometry.js';
import type { DocClass, FieldName } from '../types.js';
import { extractChemistry } from './chemistry.js';
import { extractItems, extractSpecifications } from './coc-items.js';
import { checkConsistency } from './consistency.js';
import { FieldSet } from './field-set.js';
import { extractHeaderFields, letterhead } from './header-fields.js';
import { extractActivities } from './itp-activities.js';
import { extractMechanical } from './mechanical.js';
import type { ValueContext } from './validators.js';

const MILL: FieldName[] = [
  'documentNumber',
  'issueDate',
  'manufacturer',
  'purchaser',
  'poNumber',
  'product',
  'grade',
  'materialStandards',
  'heatNumbers',
  'dimensions',
  'quantity',
  'inspector',
];
const COC: FieldName[] = ['documentNumber', 'issueDate', 'issuer', 'customer', 'poNumber', 'project', 'signatoryName', 'specifications'];
const ITP: FieldName[] = ['documentNumber', 'revision', 'project', 'poNumber'];
const OTHER: FieldName[] = ['documentNumber', 'issueDate', 'poNumber'];

export interface DocContext extends ValueContext {
  commaDecimal: boolean;
}

/** Field rules per document class; mill results (chemistry, mechanics) run before classification needs them. */
export function millResults(lines: readonly Line[], ctx: DocContext): { set: FieldSet; heats: string[] } {
  const set = new FieldSet();
  const heats = extractChemistry(lines, set, ctx.commaDecimal);
  extractMechanical(lines, set, ctx.commaDecimal);
  return { set, heats };
}

export function extractFields(
  lines: readonly Line[],
  docClass: DocClass,
  ctx: DocContext,
  mill: { set: FieldSet; heats: string[] },
): FieldSet {
  if (docClass === 'mill_cert') {
    const set = mill.set;
    extractHeaderFields(lines, MILL, set, ctx);
    if (!set.has('heatNumbers') && mill.heats.length > 0) {
      set.set('heatNumbers', mill.heats, lines.flatMap((l) => l.words.filter((w) => mill.heats.includes(w.text))).slice(0, 1), 0.9);
    } else if (set.fields.heatNumbers?.length === 1 && mill.heats.length > 1) {
      const first = set.fields.heatNumbers[0];
      if (first && mill.heats.includes(first)) set.fields.heatNumbers = mill.heats;
    }
    const head = letterhead(lines);
    if (!set.has('manufacturer') && head) set.set('manufacturer', head.text, head.words, 0.8);
    checkConsistency(set, mill.heats);
    return set;
  }
  const set = new FieldSet();
  if (docClass === 'coc') {
    extractHeaderFields(lines, COC, set, ctx);
    extractItems(lines, set);
    if (!set.has('specifications')) extractSpecifications(lines, set);
    const head = letterhead(lines);
    if (!set.has('issuer') && head) set.set('issuer', head.text, head.words, 0.85);
  } else if (docClass === 'itp') {
    extractHeaderFields(lines, ITP, set, ctx);
    extractActivities(lines, set);
  } else {
    extractHeaderFields(lines, OTHER, set, ctx);
  }
  return set;
}
