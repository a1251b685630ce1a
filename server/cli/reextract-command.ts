import { parseArgs } from 'node:util';
import { enqueueReextraction } from '../../archive/extraction/reextract.js';
import { EXTRACTOR_VERSION } from '../../extract/version.js';
import type { Runtime } from '../runtime.js';

/**
 * `arkiv reextract [--all]`: after an extractor upgrade, queue a fresh extraction of every
 * archived PDF read by an older version (or of every PDF with --all). It only enqueues; the
 * servers' job runners do the work, so it is safe to run while they serve. Prints one JSON line.
 */
export async function reextractCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const { values } = parseArgs({ args, options: { all: { type: 'boolean' } } });
  const runtime = await open();
  try {
    const run = await enqueueReextraction(
      { db: runtime.database.db, clock: runtime.clock },
      { extractorVersion: EXTRACTOR_VERSION, all: values.all ?? false },
    );
    console.log(JSON.stringify({ extractorVersion: EXTRACTOR_VERSION, ...run }));
    return 0;
  } finally {
    await runtime.close();
  }
}
