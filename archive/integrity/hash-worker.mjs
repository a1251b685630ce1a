// One fixity hashing thread. Plain JS on purpose (no TypeScript loader needed in a worker): it
// only turns bytes into SHA-256s, so the server's event loop stays free during long runs. It keeps
// several hashes going at once, keyed by the id the pool gives each stream.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/** Reused for every local file: a fresh buffer per read costs page faults worth as much as the hash. */
const fileBuffer = Buffer.allocUnsafe(256 * 1024);
const hashes = new Map();

parentPort.on('message', (m) => {
  if (m.type === 'begin') hashes.set(m.id, createHash('sha256'));
  else if (m.type === 'chunk') {
    hashes.get(m.id)?.update(new Uint8Array(m.data));
    parentPort.postMessage({ type: 'ack', id: m.id });
  } else if (m.type === 'end') {
    const hex = hashes.get(m.id)?.digest('hex');
    hashes.delete(m.id);
    parentPort.postMessage(hex ? { type: 'digest', id: m.id, hex } : { type: 'failed', id: m.id, message: 'unknown hash' });
  } else if (m.type === 'abort') hashes.delete(m.id);
  else if (m.type === 'file') hashFile(m.id, m.path);
});

/** A whole local file, read here with blocking reads (this thread does nothing else meanwhile). */
function hashFile(id, path) {
  let fd;
  try {
    fd = openSync(path, 'r');
    const h = createHash('sha256');
    let size = 0;
    for (;;) {
      const n = readSync(fd, fileBuffer, 0, fileBuffer.length, null);
      if (n === 0) break;
      h.update(fileBuffer.subarray(0, n));
      size += n;
    }
    parentPort.postMessage({ type: 'digest', id, hex: h.digest('hex'), size });
  } catch (err) {
    parentPort.postMessage({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
