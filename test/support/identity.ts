import { Secret, TOTP } from 'otpauth';
import type { TestApp } from './app.js';

import { json } from './http.js';

export { json };

export const postJson = (t: TestApp, token: string, path: string, body: unknown) =>
  t.call(token, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A TOTP code for `secret` at `offsetSteps` periods from now (codes are single-use per step). */
export function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/**
 * Enrols and confirms TOTP for the token's user and performs a step-up, as an admin about to
 * place a legal hold would. Returns the secret for further codes.
 */
export async function stepUpWithToken(t: TestApp, token: string): Promise<string> {
  const enrol = await t.call(token, '/api/v1/auth/totp/enrol', { method: 'POST' });
  if (enrol.status !== 200) throw new Error(`enrol: ${enrol.status} ${await enrol.text()}`);
  const { secret } = await json(enrol);
  const confirm = await postJson(t, token, '/api/v1/auth/totp/confirm', { code: totpCode(secret) });
  if (confirm.status !== 204) throw new Error(`confirm: ${confirm.status} ${await confirm.text()}`);
  const stepUp = await postJson(t, token, '/api/v1/auth/step-up', { code: totpCode(secret, 1) });
  if (stepUp.status !== 200) throw new Error(`step-up: ${stepUp.status} ${await stepUp.text()}`);
  return secret;
}

/** Cookie jar for one browser: keeps Set-Cookie values and sends them back. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  constructor(
    private readonly t: TestApp,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: { method?: string; body?: unknown; csrf?: boolean } = {}): Promise<Response> {
    const headers = new Headers(this.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    if (init.csrf !== false && this.csrf) headers.set('x-csrf-token', this.csrf);
    const res = await this.t.app.request(path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (!name) continue;
      const value = rest.join('=');
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  }

  /** Signs in (or redeems) and remembers the CSRF token from the response. */
  async signIn(path: string, body: unknown): Promise<Response> {
    const res = await this.request(path, { method: 'POST', body });
    if (res.status === 200) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }
}
