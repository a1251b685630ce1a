import type { ReadPool } from '../archive/adapters/database.js';
import type { Db } from '../archive/db.js';
import { AppError } from '../core/errors.js';
import type { SearchIndexFor } from './indexing.js';
import { createMeilisearchIndex } from './meilisearch/meilisearch-search.js';
import type { SearchIndex } from './port.js';
import { PostgresSearchIndex } from './postgres-search.js';

export interface SearchSettings {
  engine: 'postgres' | 'meilisearch';
  meiliHost?: string | undefined;
  meiliApiKey?: string | undefined;
  meiliIndex?: string | undefined;
  /** Both set: tenant-token mode (see search/meilisearch/tenant-token.ts). */
  meiliSearchApiKey?: string | undefined;
  meiliSearchApiKeyUid?: string | undefined;
}

export interface SearchEngine {
  /** For searching and /readyz. */
  index: SearchIndex;
  /** For indexing inside the transaction that read the entries (see indexing.ts). */
  indexFor: SearchIndexFor;
}

/**
 * Chooses the search engine once, in the composition root (`ARKIV_SEARCH`). `sessions`: on
 * PostgreSQL, a pool of sessions started with `SEARCH_SESSION_SETTINGS` (see `Database.readPool`).
 */
export function createSearchEngine(settings: SearchSettings, db: Db, sessions: ReadPool | null = null): SearchEngine {
  switch (settings.engine) {
    case 'postgres':
      return { index: new PostgresSearchIndex(db, { sessions }), indexFor: (tx) => new PostgresSearchIndex(tx) };
    case 'meilisearch': {
      if (!settings.meiliHost) throw new AppError('service_unavailable', 'ARKIV_SEARCH=meilisearch needs MEILI_HOST');
      const tenantToken =
        settings.meiliSearchApiKey && settings.meiliSearchApiKeyUid
          ? { searchApiKey: settings.meiliSearchApiKey, searchApiKeyUid: settings.meiliSearchApiKeyUid }
          : undefined;
      const index = createMeilisearchIndex({
        host: settings.meiliHost,
        apiKey: settings.meiliApiKey,
        index: settings.meiliIndex ?? 'arkiv',
        tenantToken,
      });
      // Meilisearch is not part of the database transaction: indexing goes straight to the engine.
      return { index, indexFor: () => index };
    }
  }
}
