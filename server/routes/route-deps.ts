import type { Database } from '../../archive/adapters/database.js';
import type { ArchiveDeps } from '../../archive/deps.js';
import type { SearchIndex } from '../../search/port.js';
import type { Metrics } from '../metrics.js';

/** Counts uploads in flight, so shutdown can wait for them. */
export interface UploadTracker {
  begin(): void;
  end(): void;
  readonly inFlight: number;
}

export interface RouteDeps {
  archive: ArchiveDeps;
  database: Pick<Database, 'kind'>;
  metrics: Metrics;
  uploads: UploadTracker;
  /** The search engine chosen at boot (ARKIV_SEARCH); omitted: Postgres search in the same database. */
  search?: SearchIndex;
}
