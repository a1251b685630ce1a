import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ExtractionError, type ExtractionResult, extractDocumentWithText } from '../../extract/index.js';

/**
 * `arkiv extract FILE [--json | --text]`: offline extraction of one file — no server, database or
 * network. `--json` prints the DESIGN.md result, `--text` the plain text in reading order (pages
 * separated by form feeds). Exit 0 with a result, 1 when the file could not be extracted (reason
 * printed), 2 on usage errors.
 */
export async function extractCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, text: { type: 'boolean' } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1 || (values.json && values.text)) {
    console.error('usage: arkiv extract FILE [--json | --text]');
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    console.error(`arkiv extract: cannot read ${file}`);
    return 2;
  }
  try {
    const { result, text } = await extractDocumentWithText(bytes);
    if (values.text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    else console.log(values.json ? JSON.stringify(result, null, 2) : summary(result));
    return 0;
  } catch (err) {
    const e = err instanceof ExtractionError ? err : new ExtractionError('internal', String(err));
    if (values.json) console.log(JSON.stringify({ error: e.toJSON() }));
    else console.error(`arkiv extract: ${e.code}: ${e.message}`);
    return 1;
  }
}

function summary(r: ExtractionResult): string {
  const head = `${r.docClass}${r.certType ? ` ${r.certType}` : ''}${r.certTypeRaw && r.certTypeRaw !== r.certType ? ` (printed ${r.certTypeRaw})` : ''}, ${r.pages} page(s), source ${r.source}`;
  const rows = Object.entries(r.fields).map(([k, v]) => {
    const conf = r.fieldConfidence[k as keyof typeof r.fieldConfidence];
    const shown = typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
    return `  ${k.padEnd(20)} ${shown.length > 90 ? `${shown.slice(0, 87)}...` : shown}${conf !== undefined ? `  [${conf.toFixed(2)}]` : ''}`;
  });
  return [head, ...rows].join('\n');
}
