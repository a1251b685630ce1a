import type { JobDefinition } from '../../archive/jobs/job-definition.js';

/** Every job kind this server runs. Extraction, indexing, book compilation and integrity runs join here. */
export const jobDefinitions: JobDefinition[] = [];
