import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client } from 'minio';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPki } from '../signing/support/test-pki.js';
import { bootstrapOrg, makeTierEnv, runCli, type TierEnv } from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

/** An object under the organization's content prefix that Arkiv never wrote. */
async function writeBehindArkivsBack(t: TierEnv, orgId: string): Promise<string> {
  const bytes = randomBytes(100);
  const h = createHash('sha256').update(bytes).digest('hex');
  const key = `${orgId}/sha256/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
  const s3 = t.tier.s3;
  if (!s3) {
    const path = join(t.dataDir, 'objects', ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return key;
  }
  const url = new URL(s3.endPoint);
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port || 80),
    useSSL: false,
    region: s3.region,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    pathStyle: s3.forcePathStyle,
  });
  await client.putObject(t.bucket as string, key, bytes, bytes.length);
  return key;
}

describe.each(tiers)('arkiv integrity run ($name tier)', (tier) => {
  let t: TierEnv;
  afterEach(() => t?.cleanup());

  it('exits 0 on an intact archive and 1, naming the fault, when something is wrong', async () => {
    t = await makeTierEnv(tier);
    const pki = createTestPki(join(t.dataDir, 'pki'));
    Object.assign(t.env, { ARKIV_INTEGRITY_SEAL_P12: pki.p12.rsa, ARKIV_INTEGRITY_SEAL_PASSPHRASE: pki.passphrase });
    const { orgId } = await bootstrapOrg(t.env);
    const clean = await runCli(t.env, ['integrity', 'run', '--json', '--org', orgId]);
    expect(clean.code, clean.stderr).toBe(0);
    const report = JSON.parse(clean.stdout);
    expect(report).toMatchObject({ ok: true, runs: [{ orgId, summary: { ok: true, findings: 0 } }] });
    // The sealed PDF report is an artifact of the organization.
    expect(report.runs[0].reportArtifactId).toMatch(/^[0-9a-f-]{36}$/);

    const key = await writeBehindArkivsBack(t, orgId);
    const dirty = await runCli(t.env, ['integrity', 'run', '--org', orgId]);
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toContain(`orphan_object: an object of 100 bytes at ${key}`);
  }, 120_000);
});
