import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../archive/db.js';
import { artifacts, extractions } from '../../archive/schema.js';

/** The id of an organization's artifact, by its SHA-256 (read as the owner, to check what the API did). */
export async function artifactIdOf(db: Db, orgId: string, sha256: string): Promise<string> {
  const [row] = await db
    .select({ id: artifacts.id })
    .from(artifacts)
    .where(and(eq(artifacts.orgId, orgId), eq(artifacts.sha256, sha256)));
  return row?.id as string;
}

/** Every extraction of the artifact, oldest first. */
export async function extractionsOf(db: Db, orgId: string, sha256: string) {
  return db
    .select()
    .from(extractions)
    .where(eq(extractions.artifactId, await artifactIdOf(db, orgId, sha256)))
    .orderBy(asc(extractions.createdAt), asc(extractions.id));
}
