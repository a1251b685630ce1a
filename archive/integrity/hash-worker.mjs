// One fixity hashing thread. Plain JS on purpose (no TypeScript loader needed in a worker): it
// only turns chunks into a SHA-256, so the server's event loop stays free during long runs.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

let hash = null;
parentPort.on('message', (m) => {
  if (m.type === 'begin') hash = createHash('sha256');
  else if (m.type === 'chunk') {
    hash.update(new Uint8Array(m.data));
    parentPort.postMessage({ type: 'ack' });
  } else if (m.type === 'end') {
    parentPort.postMessage({ type: 'digest', hex: hash.digest('hex') });
    hash = null;
  }
});
