import type { Clock } from '../core/clock.js';
import type { Db } from './db.js';
import type { BlobStore } from './ports/blob-store.js';

/** What the archive's use cases need, wired once in the server's composition root. */
export interface ArchiveDeps {
  db: Db;
  store: BlobStore;
  clock: Clock;
  /** Private directory for uploads in flight; emptied at start-up. */
  spoolDir: string;
  maxUploadBytes: number;
}
