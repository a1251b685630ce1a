import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per app instance (tests create many apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'arkiv_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    bytesIn: new Counter({ name: 'arkiv_upload_bytes_total', help: 'Bytes received in uploads', registers: [registry] }),
    bytesOut: new Counter({ name: 'arkiv_download_bytes_total', help: 'Bytes sent in downloads', registers: [registry] }),
    storeDuration: new Histogram({
      name: 'arkiv_store_operation_duration_seconds',
      help: 'Object store operation latency',
      labelNames: ['store', 'operation'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    jobs: new Gauge({ name: 'arkiv_jobs', help: 'Jobs by kind and status', labelNames: ['kind', 'status'], registers: [registry] }),
    uploadsInFlight: new Gauge({ name: 'arkiv_uploads_in_flight', help: 'Uploads being received', registers: [registry] }),
    integrityOldestUnverified: new Gauge({
      name: 'arkiv_integrity_oldest_unverified_seconds',
      help: 'Age of the least recently verified artifact (since its last re-hash, or since it was stored)',
      registers: [registry],
    }),
    integrityProgress: new Gauge({
      name: 'arkiv_integrity_run_progress',
      help: 'The integrity run in progress: objects, bytes, total_objects, total_bytes, eta_seconds, findings',
      labelNames: ['measure'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
