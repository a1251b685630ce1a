import type { BlobStore } from '../archive/ports/blob-store.js';
import type { Metrics } from './metrics.js';

const timed = ['put', 'putBytes', 'open', 'stat', 'extendRetention', 'setLegalHold', 'delete', 'ping'] as const;

/** Wraps a store so every operation's latency lands in `arkiv_store_operation_duration_seconds`. */
export function instrumentStore(store: BlobStore, metrics: Metrics): BlobStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !(timed as readonly PropertyKey[]).includes(prop)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const end = metrics.storeDuration.startTimer({ store: target.kind, operation: String(prop) });
        try {
          return await value.apply(target, args);
        } finally {
          end();
        }
      };
    },
  });
}
