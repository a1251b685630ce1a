import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { Client } from 'minio';
import type { FsBlobStore } from '../../archive/adapters/fs-blob-store.js';
import type { Db } from '../../archive/db.js';
import { artifacts, auditEntries } from '../../archive/schema.js';
import type { Tier } from './tiers.js';

/**
 * Faults injected behind Arkiv's back, as someone with shell access to the disk, keys to the
 * bucket or the database owner's role would. Each returns nothing: the integrity run must find it.
 */
export function faultInjector(tier: Tier, store: unknown, db: Db) {
  const fsStore = store as FsBlobStore;
  const bucket = (store as { bucket?: string }).bucket ?? '';
  const s3 = tier.s3
    ? (() => {
        const url = new URL(tier.s3.endPoint);
        return new Client({
          endPoint: url.hostname,
          port: Number(url.port || 80),
          useSSL: url.protocol === 'https:',
          region: tier.s3.region,
          accessKey: tier.s3.accessKey,
          secretKey: tier.s3.secretKey,
          pathStyle: tier.s3.forcePathStyle,
        });
      })()
    : null;

  /** The owner disables the guard trigger, edits the row, enables it again. */
  async function editArtifact(id: string, patch: Partial<typeof artifacts.$inferInsert>) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table artifacts disable trigger user`);
      await tx.update(artifacts).set(patch).where(eq(artifacts.id, id));
      await tx.execute(sql`alter table artifacts enable trigger user`);
    });
  }

  /** Writes bytes at a key: a new file on disk (no retention sidecar), a new version in S3. */
  async function writeRaw(key: string, bytes: Buffer): Promise<string | null> {
    if (s3) return (await s3.putObject(bucket, key, bytes, bytes.length)).versionId ?? null;
    const path = fsStore.objectPath(key);
    await mkdir(dirname(path), { recursive: true });
    await chmod(path, 0o644).catch(() => {});
    await writeFile(path, bytes);
    return null;
  }

  return {
    editArtifact,
    writeRaw,
    /** Filesystem: flip one byte in place. S3 (COMPLIANCE: impossible in place): a flipped copy as a new version, and the row repointed at it. */
    async flipByte(row: typeof artifacts.$inferSelect, original: Buffer) {
      const bad = Buffer.from(original);
      bad[Math.floor(bad.length / 2)] = (bad[Math.floor(bad.length / 2)] ?? 0) ^ 0xff;
      const versionId = await writeRaw(row.storageKey, bad);
      if (s3) await editArtifact(row.id, { versionId });
    },
    /** Filesystem: unlink. S3: a DELETE by key, which Object Lock allows as a delete marker. */
    async deleteObject(row: typeof artifacts.$inferSelect) {
      if (s3) await s3.removeObject(bucket, row.storageKey);
      else await unlink(fsStore.objectPath(row.storageKey));
    },
    /** An object under a content-address-looking key that no artifact row names. */
    async writeOrphan(orgId: string): Promise<string> {
      const bytes = randomBytes(64);
      const h = createHash('sha256').update(bytes).digest('hex');
      const key = `${orgId}/sha256/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
      await writeRaw(key, bytes);
      return key;
    },
    async tamperAuditEntry(orgId: string, seq: number) {
      await db.transaction(async (tx) => {
        await tx.execute(sql`alter table audit_entries disable trigger user`);
        await tx
          .update(auditEntries)
          .set({ action: 'artifact.read' })
          .where(and(eq(auditEntries.orgId, orgId), eq(auditEntries.seq, seq)));
        await tx.execute(sql`alter table audit_entries enable trigger user`);
      });
    },
  };
}
