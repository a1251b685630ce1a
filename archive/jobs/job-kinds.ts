/** Job kinds the archive enqueues; their handlers live where their work belongs (server wires them). */
export const VERIFY_SIGNATURES_JOB = 'signatures.verify';
/** Extract the fields of an archived PDF (on ingest, and again by `arkiv reextract`). */
export const EXTRACT_DOCUMENT_JOB = 'documents.extract';
/** Rebuild the search entries of a document or artifact (after extraction, review, filing, publishing). */
export const SEARCH_INDEX_JOB = 'search.index';
