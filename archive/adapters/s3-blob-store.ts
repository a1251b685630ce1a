import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Client, type ObjectLockInfo } from 'minio';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { laterOf } from '../../policies/retention.js';
import type { BlobRef, BlobStore, ListedVersion, PutOptions, Retention, SpooledFile, StoredObjectInfo } from '../ports/blob-store.js';

export interface S3BlobStoreOptions {
  /** Full URL, e.g. `http://127.0.0.1:7480`. */
  endPoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  forcePathStyle: boolean;
  /** Dev buckets only: start even without versioning + default COMPLIANCE retention. */
  allowUnlockedBucket: boolean;
  createBucket: boolean;
  /** Socket idle limit per request (default 60 s). */
  requestTimeoutMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

/** What `listObjects(..., { IncludeVersion: true })` really yields; minio's ObjectInfo omits these. */
interface VersionRow {
  name?: string;
  size?: number;
  lastModified?: Date;
  versionId?: string;
  isLatest?: boolean | string;
  isDeleteMarker?: boolean;
}

const notFoundCodes = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
// RGW's answers when an object (or the bucket) has no lock/hold set.
const noLockCodes = new Set(['ObjectLockConfigurationNotFoundError', 'NoSuchObjectLockConfiguration', 'InvalidRequest']);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

/**
 * S3 Object Lock store (MinIO API; tested on Ceph RGW). Every object is one version, read and
 * managed by its versionId, under COMPLIANCE retention that the storage itself enforces — so
 * not even a compromised Arkiv, or the storage admin, can delete or shorten it.
 * DESIGN.md facts drive the shape: minio's putObject cannot send lock headers, so retention is
 * set after the PUT by versionId and read back; the bucket's default retention covers the gap.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;
  /** False only on an explicitly allowed dev bucket: then the lock APIs would just error. */
  private locking = true;
  private versioned = true;

  constructor(
    private readonly options: S3BlobStoreOptions,
    private readonly clock: Clock,
  ) {
    const url = new URL(options.endPoint);
    const useSSL = url.protocol === 'https:';
    this.bucket = options.bucket;
    this.client = new Client({
      endPoint: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      region: options.region,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      pathStyle: options.forcePathStyle,
      // minio buffers a whole part in memory (default 64 MiB, and objects up to that size
      // whole); 5 MiB parts (the S3 minimum) keep a 1 GiB upload's footprint small.
      partSize: 5 * 1024 * 1024,
      transport: idleTimeoutTransport(useSSL ? https : http, options.requestTimeoutMs ?? 60_000),
    });
  }

  async init(): Promise<void> {
    const { bucket } = this;
    if (!(await this.s3('bucketExists', () => this.client.bucketExists(bucket)))) {
      if (!this.options.createBucket) throw new AppError('store_unavailable', `bucket ${bucket} does not exist`);
      await this.createLockedBucket();
    }
    const problems: string[] = [];
    const versioning = await this.s3('getBucketVersioning', () => this.client.getBucketVersioning(bucket));
    // RGW answers an empty body (parsed as '') for a bucket that never had versioning.
    this.versioned = (versioning as { Status?: string } | undefined)?.Status === 'Enabled';
    if (!this.versioned) problems.push('versioning is not enabled');
    const lock = await this.lockConfig();
    this.locking = lock?.objectLockEnabled === 'Enabled';
    if (!this.locking) problems.push('Object Lock is not enabled');
    else if (!lock || !('mode' in lock) || lock.mode !== 'COMPLIANCE') problems.push('no default COMPLIANCE retention');
    if (problems.length === 0) return;
    const message = `bucket ${bucket} is not a WORM archive bucket: ${problems.join('; ')}`;
    if (!this.options.allowUnlockedBucket) throw new AppError('store_unavailable', message);
    this.options.logger?.warn(
      { bucket, problems },
      `!!! ${message}. Starting anyway because the bucket is declared a dev bucket: the storage will NOT stop deletion or overwrite. Never use this in production. !!!`,
    );
  }

  async ping(): Promise<void> {
    if (!(await this.s3('bucketExists', () => this.client.bucketExists(this.bucket)))) {
      throw new AppError('store_unavailable', `bucket ${this.bucket} does not exist`);
    }
  }

  async put(file: SpooledFile, options: PutOptions): Promise<BlobRef> {
    const ref = await this.store(options, file.sha256, file.size, () => createReadStream(file.path));
    await rm(file.path, { force: true });
    return ref;
  }

  async putBytes(bytes: Buffer, options: PutOptions): Promise<BlobRef> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return this.store(options, sha256, bytes.length, () => bytes);
  }

  async open(ref: BlobRef, range?: { start: number; end: number }): Promise<Readable> {
    const opts = versionOpts(ref);
    if (!range) return this.s3('getObject', () => this.client.getObject(this.bucket, ref.key, opts));
    if (range.start < 0 || range.end < range.start) throw new AppError('range_not_satisfiable', 'invalid byte range');
    const length = range.end - range.start + 1;
    // minio turns offset 0 into "bytes=0-<length-1>", so a range from the first byte works too.
    return this.s3('getPartialObject', () => this.client.getPartialObject(this.bucket, ref.key, range.start, length, opts));
  }

  async stat(ref: BlobRef): Promise<StoredObjectInfo | null> {
    let info: { size: number; versionId?: string | null };
    try {
      info = await this.client.statObject(this.bucket, ref.key, versionOpts(ref));
    } catch (err) {
      // A delete marker's versionId: RGW answers 404, AWS 405. Either way there are no bytes.
      if (notFoundCodes.has(codeOf(err)) || codeOf(err) === 'MethodNotAllowed') return null;
      throw translate(err, 'statObject');
    }
    const [retention, legalHold] = await Promise.all([this.readRetention(ref), this.readLegalHold(ref)]);
    return { key: ref.key, versionId: info.versionId ?? ref.versionId, size: info.size, retention, legalHold };
  }

  async extendRetention(ref: BlobRef, retention: Retention): Promise<void> {
    if (!this.locking) return; // dev bucket: init() already warned that nothing is locked
    const current = await this.readRetention(ref);
    const until = current ? laterOf(current.retainUntil, retention.retainUntil) : retention.retainUntil;
    // COMPLIANCE is never downgraded (RGW would refuse anyway); only ever extend.
    const mode = current?.mode === 'COMPLIANCE' ? 'COMPLIANCE' : retention.mode;
    if (!current || current.mode !== mode || current.retainUntil.getTime() < until.getTime()) {
      await this.s3('putObjectRetention', () =>
        this.client.putObjectRetention(this.bucket, ref.key, {
          versionId: ref.versionId ?? '',
          mode,
          retainUntilDate: until.toISOString(),
        }),
      );
    }
    // Read back: the lock is the archive's promise, so "the PUT returned 200" is not proof enough.
    const applied = await this.readRetention(ref);
    if (!applied || applied.retainUntil.getTime() < retention.retainUntil.getTime() || applied.mode !== mode) {
      throw new AppError('store_integrity_failure', `retention on ${ref.key} was not applied by the store`);
    }
  }

  async setLegalHold(ref: BlobRef, on: boolean): Promise<void> {
    const status = on ? 'ON' : 'OFF';
    await this.s3('setObjectLegalHold', async () => this.client.setObjectLegalHold(this.bucket, ref.key, { ...versionOpts(ref), status }));
    if ((await this.readLegalHold(ref)) !== on) {
      throw new AppError('store_integrity_failure', `legal hold on ${ref.key} was not applied by the store`);
    }
  }

  async delete(ref: BlobRef): Promise<void> {
    // Without a versionId a versioned bucket only adds a delete marker: it would look deleted and not be.
    if (this.versioned && !ref.versionId) throw new AppError('bad_request', 'S3 objects are deleted by versionId');
    const info = await this.stat(ref);
    if (!info) throw new AppError('not_found', 'object not found in the store');
    // Checked here as well as by the storage: on a dev bucket without Object Lock nothing else would refuse.
    if (info.legalHold) throw new AppError('legal_hold_active', 'the object is under legal hold');
    if (!info.retention || info.retention.retainUntil.getTime() > this.clock.now().getTime()) {
      throw new AppError('retention_locked', 'the object is retained and cannot be deleted yet');
    }
    try {
      await this.client.removeObject(this.bucket, ref.key, versionOpts(ref));
    } catch (err) {
      if (codeOf(err) !== 'AccessDenied') throw translate(err, 'removeObject');
      // RGW says only "forbidden by object lock"; ask which lock it was.
      if (await this.readLegalHold(ref)) throw new AppError('legal_hold_active', 'the object is under legal hold');
      throw new AppError('retention_locked', 'the store refused: the object is still retained');
    }
  }

  /**
   * Pages through ListObjectVersions itself: minio 8.0.7's `listObjects` puts the key and
   * version-id markers into the query string unescaped, so with keys containing "/" RGW rejects
   * every page after the first (SignatureDoesNotMatch). Escaping the markers here fixes that.
   */
  async *listVersions(prefix: string): AsyncIterable<ListedVersion> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.s3('listObjectVersions', () =>
        this.client.listObjectsQuery(this.bucket, prefix, '', {
          Delimiter: '',
          MaxKeys: 1000,
          IncludeVersion: true,
          ...(keyMarker ? { keyMarker: encodeURIComponent(keyMarker) } : {}),
          ...(versionIdMarker ? { versionIdMarker: encodeURIComponent(versionIdMarker) } : {}),
        }),
      );
      for (const row of (page.objects ?? []) as VersionRow[]) {
        if (!row.name) continue; // common prefixes, not objects
        yield {
          key: row.name,
          versionId: !row.versionId || row.versionId === 'null' ? null : row.versionId,
          size: row.size ?? 0,
          isDeleteMarker: row.isDeleteMarker === true,
          isLatest: row.isLatest === true || row.isLatest === 'true',
          lastModified: row.lastModified && !Number.isNaN(row.lastModified.getTime()) ? row.lastModified : null,
        };
      }
      if (!page.isTruncated || !page.keyMarker) return;
      // Markers come back URL-encoded (encoding-type=url); decode once so they are escaped once.
      keyMarker = decodeURIComponent(page.keyMarker);
      versionIdMarker = page.versionIdMarker ? decodeURIComponent(page.versionIdMarker) : undefined;
    }
  }

  /**
   * The one write path. An intact version already under the key is adopted rather than written
   * again: it is an upload whose database commit never happened, or a concurrent server's, and a
   * second version would be an orphan nobody may delete. RGW ignores `If-None-Match: *`, so two
   * writers can still race past the check; each then prefers the oldest intact version it can
   * see, which usually makes them agree. Any copy left unused keeps only the bucket's default
   * retention and expires.
   */
  private async store(options: PutOptions, sha256: string, size: number, body: () => Readable | Buffer): Promise<BlobRef> {
    const { key } = options;
    let ref = await this.findIntact(key, sha256, size, null);
    if (!ref) {
      const uploaded = await this.s3('putObject', () =>
        this.client.putObject(this.bucket, key, body(), size, { 'Content-Type': options.contentType }),
      );
      ref = await this.findIntact(key, sha256, size, uploaded.versionId);
      if (!ref) throw new AppError('store_integrity_failure', `the bytes stored under ${key} do not hash to ${sha256}`);
    }
    await this.extendRetention(ref, options.retention);
    return ref;
  }

  /** Oldest non-delete-marker version of exactly `key` whose bytes re-hash to `sha256`. */
  private async findIntact(key: string, sha256: string, size: number, uploaded: string | null): Promise<BlobRef | null> {
    const candidates: ListedVersion[] = [];
    for await (const v of this.listVersions(key)) {
      if (v.key === key && !v.isDeleteMarker) candidates.push(v);
    }
    // The bucket listing may lag our own PUT; never miss the version we just wrote.
    if (uploaded && !candidates.some((v) => v.versionId === uploaded)) {
      candidates.push({ key, versionId: uploaded, size, isDeleteMarker: false, isLatest: true, lastModified: null });
    }
    candidates.sort(
      (a, b) =>
        (a.lastModified?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.lastModified?.getTime() ?? Number.MAX_SAFE_INTEGER) ||
        String(a.versionId).localeCompare(String(b.versionId)),
    );
    for (const v of candidates) {
      if (v.size !== size) continue;
      const ref = { key, versionId: v.versionId };
      if ((await this.hashOf(ref)) === sha256) return ref;
      this.options.logger?.warn({ key, versionId: v.versionId }, 'stored version does not match its content address');
    }
    return null;
  }

  private async hashOf(ref: BlobRef): Promise<string> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of await this.open(ref)) hash.update(chunk as Buffer);
    } catch (err) {
      throw translate(err, 'getObject');
    }
    return hash.digest('hex');
  }

  private async readRetention(ref: BlobRef): Promise<Retention | null> {
    if (!this.locking) return null;
    const r = await this.lockRead('getObjectRetention', () =>
      this.client.getObjectRetention(this.bucket, ref.key, ref.versionId ? { versionId: ref.versionId } : undefined),
    );
    return r?.mode && r.retainUntilDate ? { mode: r.mode, retainUntil: new Date(r.retainUntilDate) } : null;
  }

  private async readLegalHold(ref: BlobRef): Promise<boolean> {
    if (!this.locking) return false;
    // Typed as the bare status, but minio 8.0.7 returns the parsed XML: { Status: 'ON' }.
    const r: unknown = await this.lockRead('getObjectLegalHold', () =>
      this.client.getObjectLegalHold(this.bucket, ref.key, ref.versionId ? { versionId: ref.versionId } : undefined),
    );
    return (typeof r === 'string' ? r : (r as { Status?: string } | null)?.Status) === 'ON';
  }

  private async lockConfig(): Promise<ObjectLockInfo | null> {
    // The .d.ts overloads resolve the one-argument call to `void`; at run time it is a Promise.
    const get = () => this.client.getObjectLockConfig(this.bucket) as unknown as Promise<ObjectLockInfo>;
    return this.lockRead('getObjectLockConfig', get);
  }

  /** Lock/hold reads, where RGW's "not configured" answers mean "none", not a failure. */
  private async lockRead<T>(what: string, f: () => Promise<T>): Promise<T | null> {
    try {
      return await f();
    } catch (err) {
      if (noLockCodes.has(codeOf(err))) return null;
      throw translate(err, what);
    }
  }

  private async createLockedBucket(): Promise<void> {
    try {
      await this.client.makeBucket(this.bucket, this.options.region, { ObjectLocking: true });
    } catch (err) {
      // Another instance created it first: fine, the checks below still decide.
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(codeOf(err))) throw translate(err, 'makeBucket');
    }
    // A default retention means even a version whose explicit lock never got set is protected.
    await this.s3('setObjectLockConfig', async () =>
      this.client.setObjectLockConfig(this.bucket, { mode: 'COMPLIANCE', unit: 'Days', validity: 1 }),
    );
  }

  private async s3<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw translate(err, what);
    }
  }
}

/**
 * minio sets no timeout at all, and a Ceph cluster that is full (or has lost its OSDs) accepts
 * the request and then never answers: without this, put() would hang forever instead of failing
 * with store_unavailable. It is an idle limit, so long uploads and downloads are unaffected.
 */
function idleTimeoutTransport(base: typeof http | typeof https, ms: number): Pick<typeof http, 'request'> {
  const request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
    const req = base.request(options, callback);
    req.setTimeout(ms, () => {
      const err = Object.assign(new Error(`no answer from the object store within ${ms} ms`), { code: 'ETIMEDOUT' });
      req.destroy(err);
    });
    return req;
  };
  return { request: request as typeof http.request };
}

function versionOpts(ref: BlobRef): { versionId?: string } {
  return ref.versionId ? { versionId: ref.versionId } : {};
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** S3 and socket errors become AppErrors here and nowhere else; no S3 text reaches clients. */
function translate(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const code = codeOf(err);
  if (notFoundCodes.has(code)) return new AppError('not_found', 'object not found in the store', { cause: err });
  if (code === 'InvalidRange') return new AppError('range_not_satisfiable', 'range outside the object', { cause: err });
  const reason = networkCodes.has(code) ? 'cannot reach the object store' : 'the object store refused the request';
  return new AppError('store_unavailable', `${reason} (${what})`, { cause: err, details: { s3Code: code || undefined } });
}
