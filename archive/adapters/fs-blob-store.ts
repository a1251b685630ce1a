import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { laterOf } from '../../policies/retention.js';
import type { BlobRef, BlobStore, ListedVersion, PutOptions, Retention, SpooledFile, StoredObjectInfo } from '../ports/blob-store.js';

interface Sidecar {
  retention: { mode: Retention['mode']; retainUntil: string } | null;
  legalHold: boolean;
  contentType: string;
}

/**
 * The embedded object store: one read-only file per object under `<root>/objects/<key>`, its
 * retention and legal hold in `<root>/meta/<key>.json`. WORM is enforced by this code (files are
 * 0444, written once with link(2), which never replaces an existing name), not by the OS: anyone
 * with shell access can still remove them, which is why production uses S3 Object Lock.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'filesystem' as const;
  private readonly objectsDir: string;
  private readonly metaDir: string;

  constructor(
    root: string,
    private readonly clock: Clock,
  ) {
    this.objectsDir = join(root, 'objects');
    this.metaDir = join(root, 'meta');
  }

  async init(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await mkdir(this.metaDir, { recursive: true });
  }

  async ping(): Promise<void> {
    await stat(this.objectsDir);
  }

  async put(file: SpooledFile, options: PutOptions): Promise<BlobRef> {
    const target = this.objectPath(options.key);
    const existing = await this.stat({ key: options.key, versionId: null });
    if (existing) {
      // Content-addressed: the same key means the same bytes. Keep the stored copy, never replace it.
      if (existing.size !== file.size) {
        throw new AppError('store_integrity_failure', `stored object ${options.key} has an unexpected size`);
      }
      await this.extendRetention({ key: options.key, versionId: null }, options.retention);
      await rm(file.path, { force: true });
      return { key: options.key, versionId: null };
    }
    await this.writeSidecar(options.key, {
      retention: { mode: options.retention.mode, retainUntil: options.retention.retainUntil.toISOString() },
      legalHold: false,
      contentType: options.contentType,
    });
    await mkdir(dirname(target), { recursive: true });
    try {
      await link(file.path, target); // atomic, and fails rather than overwrite
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await chmod(target, 0o444);
    await fsyncDir(dirname(target));
    await rm(file.path, { force: true });
    return { key: options.key, versionId: null };
  }

  async putBytes(bytes: Buffer, options: PutOptions): Promise<BlobRef> {
    const tmp = join(this.objectsDir, `.tmp-${newId()}`);
    await writeFile(tmp, bytes, { mode: 0o600 });
    const handle = await open(tmp, 'r');
    await handle.sync();
    await handle.close();
    return this.put({ path: tmp, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }, options);
  }

  async open(ref: BlobRef, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.objectPath(ref.key);
    try {
      await stat(path);
    } catch {
      throw new AppError('not_found', 'object not found in the store');
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async stat(ref: BlobRef): Promise<StoredObjectInfo | null> {
    let size: number;
    try {
      size = (await stat(this.objectPath(ref.key))).size;
    } catch {
      return null;
    }
    const meta = await this.readSidecar(ref.key);
    return {
      key: ref.key,
      versionId: null,
      size,
      retention: meta?.retention ? { mode: meta.retention.mode, retainUntil: new Date(meta.retention.retainUntil) } : null,
      legalHold: meta?.legalHold ?? false,
    };
  }

  async extendRetention(ref: BlobRef, retention: Retention): Promise<void> {
    const meta = (await this.readSidecar(ref.key)) ?? { retention: null, legalHold: false, contentType: 'application/octet-stream' };
    const current = meta.retention ? new Date(meta.retention.retainUntil) : null;
    const until = current ? laterOf(current, retention.retainUntil) : retention.retainUntil;
    // COMPLIANCE is never downgraded to GOVERNANCE.
    const mode = meta.retention?.mode === 'COMPLIANCE' ? 'COMPLIANCE' : retention.mode;
    await this.writeSidecar(ref.key, { ...meta, retention: { mode, retainUntil: until.toISOString() } });
  }

  async setLegalHold(ref: BlobRef, on: boolean): Promise<void> {
    const meta = await this.readSidecar(ref.key);
    if (!meta) throw new AppError('not_found', 'object not found in the store');
    await this.writeSidecar(ref.key, { ...meta, legalHold: on });
  }

  async delete(ref: BlobRef): Promise<void> {
    const info = await this.stat(ref);
    if (!info) throw new AppError('not_found', 'object not found in the store');
    if (info.legalHold) throw new AppError('legal_hold_active', 'the object is under legal hold');
    if (!info.retention || info.retention.retainUntil.getTime() > this.clock.now().getTime()) {
      throw new AppError('retention_locked', 'the object is retained and cannot be deleted yet');
    }
    const path = this.objectPath(ref.key);
    await chmod(path, 0o644);
    await unlink(path);
  }

  async *listVersions(prefix: string): AsyncIterable<ListedVersion> {
    const start = join(this.objectsDir, ...prefix.split('/').slice(0, -1));
    for await (const path of walk(start)) {
      const key = relative(this.objectsDir, path).split(sep).join('/');
      if (!key.startsWith(prefix) || key.split('/').pop()?.startsWith('.tmp-')) continue;
      const s = await stat(path);
      yield { key, versionId: null, size: s.size, isDeleteMarker: false, isLatest: true, lastModified: s.mtime };
    }
  }

  /** Exposed for integrity checks and tests that simulate tampering behind Arkiv's back. */
  objectPath(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) {
      throw new AppError('bad_request', 'invalid object key');
    }
    return join(this.objectsDir, ...key.split('/'));
  }

  private sidecarPath(key: string): string {
    return `${join(this.metaDir, ...key.split('/'))}.json`;
  }

  private async readSidecar(key: string): Promise<Sidecar | null> {
    try {
      return JSON.parse(await readFile(this.sidecarPath(key), 'utf8')) as Sidecar;
    } catch {
      return null;
    }
  }

  private async writeSidecar(key: string, meta: Sidecar): Promise<void> {
    const path = this.sidecarPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${newId()}.tmp`;
    await writeFile(tmp, JSON.stringify(meta), { mode: 0o600 });
    await rename(tmp, path);
  }
}

async function* walk(dir: string): AsyncIterable<string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
