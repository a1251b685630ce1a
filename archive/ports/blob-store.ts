import type { Readable } from 'node:stream';
import type { RetentionMode } from '../../policies/retention.js';

/** A file already written to local disk and hashed; the only thing a store accepts. */
export interface SpooledFile {
  path: string;
  size: number;
  sha256: string;
}

export interface Retention {
  mode: RetentionMode;
  retainUntil: Date;
}

/** Where one immutable object version lives. Reads always go by version when the store has them. */
export interface BlobRef {
  key: string;
  versionId: string | null;
}

export interface StoredObjectInfo extends BlobRef {
  size: number;
  retention: Retention | null;
  legalHold: boolean;
}

export interface ListedVersion extends BlobRef {
  size: number;
  isDeleteMarker: boolean;
  isLatest: boolean;
  lastModified: Date | null;
}

export interface PutOptions {
  key: string;
  contentType: string;
  retention: Retention;
}

/**
 * The archive's object storage. Implementations must guarantee: an object, once put, is never
 * overwritten; it cannot be deleted before its retention ends or while on legal hold; `put`
 * returns only once the stored bytes are known to hash to `file.sha256` (S3 reads the version
 * back and re-hashes it; the filesystem store links the very file that was hashed as it was
 * written, so there is nothing in between to go wrong).
 */
export interface BlobStore {
  readonly kind: 'filesystem' | 's3';
  /** Checks the store is usable and safe (e.g. Object Lock on the bucket); throws otherwise. */
  init(): Promise<void>;
  ping(): Promise<void>;
  put(file: SpooledFile, options: PutOptions): Promise<BlobRef>;
  /** Small named objects (audit checkpoints). Same locking rules as `put`. */
  putBytes(bytes: Buffer, options: PutOptions): Promise<BlobRef>;
  /** Streams the bytes; `range` is inclusive on both ends, as in HTTP. */
  open(ref: BlobRef, range?: { start: number; end: number }): Promise<Readable>;
  stat(ref: BlobRef): Promise<StoredObjectInfo | null>;
  /** Only ever extends; a shorter date is ignored. */
  extendRetention(ref: BlobRef, retention: Retention): Promise<void>;
  setLegalHold(ref: BlobRef, on: boolean): Promise<void>;
  /** Refused with `retention_locked` / `legal_hold_active` while protected. */
  delete(ref: BlobRef): Promise<void>;
  listVersions(prefix: string): AsyncIterable<ListedVersion>;
  close?(): Promise<void>;
}

/** Content-addressed key: `<orgId>/sha256/<aa>/<bb>/<hash>` (DESIGN.md). */
export function contentKey(orgId: string, sha256: string): string {
  return `${orgId}/sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}
