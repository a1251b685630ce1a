/** Job kinds the archive enqueues; their handlers live where their work belongs (server wires them). */
export const VERIFY_SIGNATURES_JOB = 'signatures.verify';
