import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { createBackup } from '../../archive/backup/create-backup.js';
import { restoreBackup } from '../../archive/backup/restore-backup.js';
import { RestoreRefused } from '../../archive/backup/restore-errors.js';
import { tablesInForeignKeyOrder } from '../../archive/backup/tables.js';
import { type Db, queryRows } from '../../archive/db.js';
import { bootstrap } from '../../archive/tokens/bootstrap.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { makeTestArchive, type TestArchive, uniqueName } from '../support/fixtures.js';
import { tiers } from '../support/tiers.js';

/** JSON text (not a JS object): a number past 2^53 and a trailing zero JavaScript would drop. */
const awkwardJson = '{"note": "line\\nbreak \\"ünï\\" 😀", "n": 1.50, "big": 12345678901234567890}';

/** Values whose text form a careless dump would change: precision, escapes, arrays, tsvector. */
async function seedAwkwardValues(t: TestArchive): Promise<void> {
  const { db } = t.deps;
  const { orgId } = await bootstrap(db, t.deps.clock, { orgName: uniqueName('types-'), email: 'types@example.com' });
  const { row } = await ingestArtifact(t.deps, systemActor(orgId), {
    body: Readable.from(randomBytes(3000)),
    contentType: 'application/octet-stream',
    docClass: 'mill_cert',
  });
  // Beyond 2^53 and with microseconds: JavaScript numbers and Dates would both round these.
  await db.execute(
    sql`update users set totp_last_step = 9007199254740993, locked_until = '2031-05-06 07:08:09.123457+00' where org_id = ${orgId}`,
  );
  const extractionId = newId();
  await db.execute(sql`insert into extractions (id, org_id, artifact_id, extractor_version, min_confidence, result, text, created_at)
    values (${extractionId}, ${orgId}, ${row.id}, 'v1', 0.8731, ${awkwardJson}::jsonb,
            ${'multi\nline\ttext "quoted" \\ backslash'}, '2026-01-02 03:04:05.678901+00')`);
  await db.execute(sql`insert into certificate_records (artifact_id, org_id, extraction_id, issue_date, material_standards)
    values (${row.id}, ${orgId}, ${extractionId}, '2024-02-29', array['EN 10204', 'ASTM A182 "F51"', 'a,b{c}'])`);
  await db.execute(sql`insert into search_entries (id, org_id, key, artifact_id, heat_numbers, body, tsv, issue_date)
    values (${newId()}, ${orgId}, ${`art:${row.id}`}, ${row.id}, array['H-1', 'H 2'], 'Duplex 2205 mill certificate',
            setweight(to_tsvector('english', 'Duplex 2205 mill certificate'), 'A'), '2024-02-29')`);
}

/** Every table as Postgres prints it; object version ids differ by design in a new store. */
async function dumpAll(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tablesInForeignKeyOrder(db)) {
    const rows = await queryRows<{ j: string }>(db, sql.raw(`select (to_jsonb(t) - 'version_id')::text as j from "${table}" t order by 1`));
    out[table] = rows.map((r) => r.j);
  }
  return out;
}

describe.each(tiers)('backup and restore in process ($name tier)', (tier) => {
  let source: TestArchive;
  const targets: TestArchive[] = [];
  let dir: string;

  beforeAll(async () => {
    source = await makeTestArchive(tier);
    await seedAwkwardValues(source);
    dir = join(source.dataDir, 'backup');
    const result = await createBackup({
      db: source.deps.db,
      databaseKind: source.database.kind,
      store: source.deps.store,
      out: dir,
      withObjects: true,
      now: () => new Date(),
    });
    expect(result.summary.problems).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    for (const t of [source, ...targets]) await t?.cleanup();
  });

  const target = async () => {
    const t = await makeTestArchive(tier);
    targets.push(t);
    return { db: t.deps.db, store: t.deps.store, spoolDir: t.deps.spoolDir, clock: t.deps.clock };
  };

  it('puts back every value exactly: bigints past 2^53, microseconds, floats, JSON, arrays, tsvector, dates', async () => {
    const into = await target();
    const restored = await restoreBackup(dir, into);
    expect(restored.problems).toEqual([]);
    expect(await dumpAll(into.db)).toEqual(await dumpAll(source.deps.db));
    const [users] = await queryRows<{ step: string }>(
      into.db,
      sql`select totp_last_step::text as step from users where totp_last_step is not null`,
    );
    expect(users?.step).toBe('9007199254740993');
    const [extraction] = await queryRows<{ big: string; n: string }>(
      into.db,
      sql`select result->>'big' as big, result->>'n' as n from extractions`,
    );
    expect(extraction).toEqual({ big: '12345678901234567890', n: '1.50' });
  });

  it('refuses a store that already holds objects, and a backup of another schema level', async () => {
    const into = await target();
    // An object someone already wrote into the target bucket: the restore must not mix with it.
    await into.store.putBytes(Buffer.from('not ours'), {
      key: 'someone/else.txt',
      contentType: 'text/plain',
      retention: { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() + 86_400_000) },
    });
    const objects = [];
    for await (const v of into.store.listVersions('')) objects.push(v);
    expect(objects.length).toBeGreaterThan(0);
    await expect(restoreBackup(dir, into)).rejects.toThrow(/already holds objects/);

    // The schema level, with the checksums rewritten to match: refused before anything is written.
    const summaryPath = join(dir, 'backup.json');
    const original = await readFile(summaryPath, 'utf8');
    const sumsPath = join(dir, 'SHA256SUMS');
    const sums = await readFile(sumsPath, 'utf8');
    const edited = original.replace(/"hash": "[0-9a-f]+"/, `"hash": "${'0'.repeat(64)}"`);
    try {
      await writeFile(summaryPath, edited);
      const hash = createHash('sha256').update(edited).digest('hex');
      await writeFile(sumsPath, sums.replace(/^[0-9a-f]{64}(?= {2}backup\.json$)/m, hash));
      const fresh = await target();
      const refusal = restoreBackup(dir, fresh);
      await expect(refusal).rejects.toBeInstanceOf(RestoreRefused);
      await expect(refusal).rejects.toThrow(/restore it with the Arkiv version that made it/);
    } finally {
      await writeFile(summaryPath, original);
      await writeFile(sumsPath, sums);
    }
  });
});
