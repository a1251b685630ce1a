/**
 * Alias of test/bench/sign.ts (the name issue 5 uses), kept so `node --import tsx
 * test/bench/signing.ts` still works. test/bench/run.ts skips it so the bench runs once.
 */
await import('./sign.js');
