// Entry of each extraction worker thread. Plain JS on purpose: a worker thread does not inherit the
// parent's TypeScript loader, and Node 20 resolves a .ts entry before `--import tsx` takes effect,
// so the worker registers tsx itself and then loads the TypeScript entry. Works the same under
// vitest, `node --import tsx` and bin/arkiv.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
