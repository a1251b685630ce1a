import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** URL-safe random secret with `bytes` bytes of entropy (default 32 = 256 bits). */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

const SHA256_HEX = /^[0-9a-f]{64}$/;
export const isSha256Hex = (s: string): boolean => SHA256_HEX.test(s);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);
