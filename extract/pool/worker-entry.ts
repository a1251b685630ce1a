/**
 * Runs inside a worker thread: one job at a time, results posted back. Everything that parses
 * untrusted bytes happens here, so a crash or runaway allocation kills only this thread.
 */
import { parentPort } from 'node:worker_threads';
import { type ExtractOptions, extractInProcess } from '../extract-in-process.js';
import { classifyFailure } from './extraction-error.js';

interface Job {
  id: number;
  bytes: Uint8Array;
  options: ExtractOptions;
}

parentPort?.on('message', (job: Job) => {
  extractInProcess(job.bytes, job.options).then(
    (output) => parentPort?.postMessage({ id: job.id, ok: true, output }),
    (err: unknown) => parentPort?.postMessage({ id: job.id, ok: false, error: classifyFailure(err).toJSON() }),
  );
});
