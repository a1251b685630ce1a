import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Database, openDatabase } from '../archive/adapters/database.js';
import { FsBlobStore } from '../archive/adapters/fs-blob-store.js';
import { S3BlobStore } from '../archive/adapters/s3-blob-store.js';
import type { ArchiveDeps } from '../archive/deps.js';
import type { BlobStore } from '../archive/ports/blob-store.js';
import { type Clock, systemClock } from '../core/clock.js';
import { createSearchEngine, type SearchEngine } from '../search/create-search-index.js';
import { SEARCH_SESSION_SETTINGS } from '../search/postgres-search.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';

/** The parts every entry point (server, CLI) is built from, chosen once from the config. */
export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  dataDir: string;
  database: Database;
  store: BlobStore;
  archive: ArchiveDeps;
  /** The search engine (ARKIV_SEARCH): the index for queries and the writer for indexing jobs. */
  search: SearchEngine;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, options: { migrate?: boolean; logToStderr?: boolean } = {}): Promise<Runtime> {
  const logger = createLogger(config, options.logToStderr ? 2 : 1);
  const clock = systemClock;
  const dataDir = resolve(config.ARKIV_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir, poolSize: config.DATABASE_POOL_SIZE });
  try {
    if (options.migrate ?? true) await database.migrate();
    const store = createStore(config, dataDir, clock, logger);
    await store.init();
    const spoolDir = join(dataDir, 'spool');
    await sweepSpool(spoolDir);
    const archive: ArchiveDeps = { db: database.db, store, clock, spoolDir, maxUploadBytes: config.ARKIV_MAX_UPLOAD_BYTES };
    const search = createSearchEngine(
      {
        engine: config.ARKIV_SEARCH,
        meiliHost: config.MEILI_HOST,
        meiliApiKey: config.MEILI_API_KEY,
        meiliIndex: config.MEILI_INDEX,
        meiliSearchApiKey: config.MEILI_SEARCH_API_KEY,
        meiliSearchApiKeyUid: config.MEILI_SEARCH_API_KEY_UID,
      },
      database.db,
      config.ARKIV_SEARCH === 'postgres' ? database.readPool('search', SEARCH_SESSION_SETTINGS, config.ARKIV_SEARCH_CONCURRENCY) : null,
    );
    await search.index.prepare();
    return {
      config,
      logger,
      clock,
      dataDir,
      database,
      store,
      archive,
      search,
      async close() {
        await store.close?.();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

function createStore(config: Config, dataDir: string, clock: Clock, logger: Logger): BlobStore {
  if (!config.S3_ENDPOINT) return new FsBlobStore(dataDir, clock);
  return new S3BlobStore(
    {
      endPoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET,
      accessKey: config.S3_ACCESS_KEY_ID ?? '',
      secretKey: config.S3_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      allowUnlockedBucket: config.S3_ALLOW_UNLOCKED_BUCKET,
      createBucket: config.S3_CREATE_BUCKET,
      logger,
    },
    clock,
  );
}

/**
 * Uploads interrupted by a crash leave spool files behind. They are never objects (objects are
 * only created from a complete, hashed spool), so removing stale ones is always safe. Files from
 * the last hour are kept: another instance sharing the directory may still be writing them.
 */
async function sweepSpool(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const cutoff = Date.now() - 3_600_000;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
  }
}
