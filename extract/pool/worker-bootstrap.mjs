// Entry of each extraction worker thread. Plain JS on purpose: a worker thread does not inherit the
// parent's TypeScript loader, and Node 20 resolves a .ts entry before `--import tsx` takes effect,
// so the worker registers tsx itself and then loads the TypeScript entry. Works the same under
// vitest, `node --import tsx` and bin/arkiv.mjs.
//
// pdfjs is loaded first, natively: through tsx's loader its 2 MB library and worker modules are
// transformed on load, which cost ~350 MB of RSS per worker (measured: a 1-page PDF peaked at
// 543 MB in `arkiv extract`, 200 pages at 551 MB; loaded natively, 200 pages peak well under
// 400 MB). The later imports from TypeScript resolve to the same URLs and reuse these modules;
// `globalThis.pdfjsWorker` is where pdfjs looks for its worker code before importing it again.
import { register } from 'tsx/esm/api';

await import('pdfjs-dist/legacy/build/pdf.mjs');
globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
register();
await import('./worker-entry.ts');
