import { createHash } from 'node:crypto';

/** A response body as JSON; tests check it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
export const json = (r: Response): Promise<any> => r.json();

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
