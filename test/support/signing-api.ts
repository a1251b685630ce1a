/** Helpers for the signing API tests: callers, PDF documents, and the sign/verify/download calls. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyhanko } from '../signing/support/fixtures.js';
import type { TestApp } from './app.js';
import { json, postJson } from './identity.js';

export function signingCalls(t: TestApp, adminToken: string) {
  return {
    /** A new user of `role` with an API token, and the user's id (a credential is bound to it). */
    async tokenFor(role: string) {
      const email = `${role}-${randomBytes(3).toString('hex')}@example.com`;
      const created = await json(await postJson(t, adminToken, '/api/v1/tokens', { name: role, role, email }));
      const session = await json(await t.call(created.token, '/api/v1/auth/session'));
      return { token: created.token as string, userId: session.userId as string };
    },
    /** A document of `docClass` for `customerId` whose revision 1 is a small unsigned PDF. */
    async createDoc(docClass: string, customerId: string): Promise<string> {
      const pdf = readFileSync(join(pyhanko, 'minimal.pdf'));
      const art = await json(await t.call(adminToken, `/api/v1/artifacts?docClass=${docClass}`, { method: 'POST', body: pdf }));
      const doc = await postJson(t, adminToken, '/api/v1/documents', { artifactSha256: art.sha256, docClass, title: docClass, customerId });
      return (await json(doc)).id;
    },
    /** Registers the P12 at `p12Path` for `userId` (as the admin). */
    register: (userId: string, p12Path: string, passphrase: string, docClasses: string[] = ['coc']) =>
      postJson(t, adminToken, '/api/v1/signing-credentials', {
        userId,
        p12Base64: readFileSync(p12Path).toString('base64'),
        passphrase,
        docClasses,
      }),
    sign: (token: string, id: string, body: Record<string, unknown> = {}) =>
      postJson(t, token, `/api/v1/documents/${id}/sign`, { reason: 'Approved', location: 'Stavanger', level: 'B-B', ...body }),
    verify: (token: string, bytes: Buffer) => t.call(token, '/api/v1/verify', { method: 'POST', body: bytes }),
    download: async (sha: string) => Buffer.from(await (await t.call(adminToken, `/api/v1/artifacts/${sha}`)).arrayBuffer()),
  };
}
