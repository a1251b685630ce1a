import { and, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { artifacts } from '../schema.js';

const DAY_MS = 86_400_000;

/**
 * The rolling daily slice: artifact belongs to day `hash mod window` (from its content hash, so
 * the assignment never changes and the days stay even), and day d of the window re-hashes its
 * bucket. Anything never verified or overdue (not verified within the window) is taken too, so
 * every object is re-read at least once per window even after missed days.
 */
export function sliceFilter(now: Date, windowDays: number): SQL | undefined {
  const day = Math.floor(now.getTime() / DAY_MS) % windowDays;
  const overdue = new Date(now.getTime() - windowDays * DAY_MS);
  // Today's bucket, unless something (an on-demand run) already re-hashed it within the day.
  const todays = and(
    sql`(('x' || substr(${artifacts.sha256}, 1, 8))::bit(32)::bigint % ${windowDays}) = ${day}`,
    lt(artifacts.lastVerifiedAt, new Date(now.getTime() - DAY_MS)),
  );
  return or(todays, isNull(artifacts.lastVerifiedAt), lt(artifacts.lastVerifiedAt, overdue));
}
