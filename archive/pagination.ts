import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { AppError } from '../core/errors.js';

/** Opaque cursors: newest first, ties broken by id, so pages never skip or repeat a row. */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: CursorPosition): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string') throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new AppError('bad_request', 'the cursor is not valid');
  }
}

export function afterCursor(createdAtCol: PgColumn, idCol: PgColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const pos = decodeCursor(cursor);
  return or(lt(createdAtCol, pos.createdAt), and(eq(createdAtCol, pos.createdAt), lt(idCol, pos.id)));
}

export const newestFirst = (createdAtCol: PgColumn, idCol: PgColumn) => [desc(createdAtCol), desc(idCol)];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Callers fetch `limit + 1` rows; the extra one only tells whether another page exists. */
export function toPage<T extends CursorPosition>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
