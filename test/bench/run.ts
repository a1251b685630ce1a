/**
 * `npm run bench`: runs every benchmark in test/bench, one after another (they measure the
 * machine, so never in parallel), each in its own process. Exit code 1 if any failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../support/server-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
/** Aliases of another bench (signing.ts → sign.ts): runnable on their own, skipped here. */
const aliases = new Set(['signing.ts']);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== self && !aliases.has(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

const failed: string[] = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  // The server's V8 flags (bin/arkiv.mjs): the benches that run its code in process measure it as it runs.
  const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed.push(`${file} (${run.status ?? run.signal})`);
}
if (failed.length > 0) {
  console.error(`\nbenchmarks failed: ${failed.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log(`\n${benches.length} benchmark${benches.length === 1 ? '' : 's'} done`);
}
