/**
 * A real RFC 3161 TSA for tests: `openssl ts -reply` behind node:http on 127.0.0.1. `mode` lets a
 * test make it fail (HTTP 500) or answer garbage, to show the signer fails closed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPki } from './test-pki.js';

export interface LocalTsa {
  url: string;
  mode: 'ok' | 'error' | 'garbage';
  requests: number;
  close(): Promise<void>;
}

export async function startLocalTsa(pki: TestPki): Promise<LocalTsa> {
  const work = mkdtempSync(join(tmpdir(), 'arkiv-tsa-'));
  const state: LocalTsa = { url: '', mode: 'ok', requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (state.mode === 'error') {
        res.writeHead(500).end();
        return;
      }
      if (state.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from('not a time-stamp'));
        return;
      }
      const q = join(work, `q${state.requests}.tsq`);
      const r = join(work, `r${state.requests}.tsr`);
      writeFileSync(q, Buffer.concat(chunks));
      const out = spawnSync('openssl', [
        'ts',
        '-reply',
        '-config',
        pki.tsa.config,
        '-section',
        'tsa_config',
        '-queryfile',
        q,
        '-inkey',
        pki.tsa.key,
        '-signer',
        pki.tsa.cert,
        '-chain',
        pki.tsa.chain,
        '-out',
        r,
      ]);
      if (out.status !== 0) {
        res.writeHead(500).end(out.stderr);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(r));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  state.close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  };
  return state;
}
