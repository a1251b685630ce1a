import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../archive/adapters/database.js';
import { FsBlobStore } from '../../archive/adapters/fs-blob-store.js';
import { S3BlobStore } from '../../archive/adapters/s3-blob-store.js';
import type { ArchiveDeps } from '../../archive/deps.js';
import type { BlobStore } from '../../archive/ports/blob-store.js';
import { systemClock } from '../../core/clock.js';
import type { Tier } from './tiers.js';

export const uniqueName = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

/** Drops a database made by `freshPostgresDatabase` (S3 test buckets stay: their objects are locked). */
export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^arkiv_test_[0-9a-f]+$/.test(name)) return;
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** A fresh, empty PostgreSQL database on the tier's server; returns its URL. */
export async function freshPostgresDatabase(serverUrl: string): Promise<string> {
  const name = uniqueName('arkiv_test_');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freshStore(tier: Tier, dataDir: string): Promise<BlobStore> {
  const store: BlobStore = tier.s3
    ? new S3BlobStore(
        {
          endPoint: tier.s3.endPoint,
          region: tier.s3.region,
          bucket: uniqueName('arkiv-test-'),
          accessKey: tier.s3.accessKey,
          secretKey: tier.s3.secretKey,
          forcePathStyle: tier.s3.forcePathStyle,
          allowUnlockedBucket: false,
          createBucket: true,
        },
        systemClock,
      )
    : new FsBlobStore(dataDir, systemClock);
  await store.init();
  return store;
}

export interface TestArchive {
  deps: ArchiveDeps;
  database: Database;
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
}

/** A migrated database and an empty store for one tier, private to the calling test file. */
export async function makeTestArchive(tier: Tier): Promise<TestArchive> {
  const dataDir = await mkdtemp(join(tmpdir(), 'arkiv-test-'));
  const databaseUrl = tier.databaseUrl ? await freshPostgresDatabase(tier.databaseUrl) : undefined;
  const database = await openDatabase({ url: databaseUrl, dataDir });
  await database.migrate();
  const store = await freshStore(tier, dataDir);
  const deps: ArchiveDeps = {
    db: database.db,
    store,
    clock: systemClock,
    spoolDir: join(dataDir, 'spool'),
    maxUploadBytes: 64 * 1024 * 1024,
  };
  return {
    deps,
    database,
    dataDir,
    databaseUrl,
    async cleanup() {
      await database.close();
      await store.close?.();
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
