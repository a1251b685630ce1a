import { AppError } from '../core/errors.js';

/**
 * How a free-text query is read. Every word goes to full-text search; words that look like
 * identifiers (a digit and at least three characters: heat, PO, certificate, tag numbers) may
 * also match the identifiers column by prefix, infix or one typo, which full text cannot do.
 */
export interface QueryTerms {
  /** The query for websearch_to_tsquery, or null when it holds no word at all. */
  text: string | null;
  /** Upper-cased identifier-like words (without operators or quotes). */
  identifiers: string[];
  /** The query without its identifier-like words, for the identifier branch (null: nothing left). */
  rest: string | null;
  /** Lower-cased plain words, for snippets and matched fields. */
  words: string[];
  /** Whether a word is excluded (`-draft`): then a phrase cannot be loosened into its words. */
  negated: boolean;
}

const IDENTIFIER = /^(?=.*\d)[\p{L}\p{N}][\p{L}\p{N}./\-_]{2,}$/u;

export function readQuery(q: string | undefined): QueryTerms {
  const text = q?.trim() ?? '';
  if (!/[\p{L}\p{N}]/u.test(text)) return { text: null, identifiers: [], rest: null, words: [], negated: false };
  const raw = text.split(/\s+/);
  const identifiers: string[] = [];
  const rest: string[] = [];
  const words: string[] = [];
  let anyNegated = false;
  for (const token of raw) {
    const bare = token.replace(/^["'(]+|["'),;:]+$/g, '');
    const negated = token.startsWith('-');
    anyNegated ||= negated;
    if (!negated && bare.toLowerCase() !== 'or' && bare) words.push(bare.toLowerCase());
    if (!negated && IDENTIFIER.test(bare) && !token.includes('"')) identifiers.push(bare.toUpperCase());
    else rest.push(token);
  }
  const restText = rest.join(' ');
  return {
    text,
    identifiers: [...new Set(identifiers)],
    rest: /[\p{L}\p{N}]/u.test(restText) ? restText : null,
    words: [...new Set(words)],
    negated: anyNegated,
  };
}

/** An ILIKE pattern that finds `value` anywhere (its own % and _ taken literally). */
export const infixPattern = (value: string) => `%${value.replace(/[\\%_]/g, '\\$&')}%`;

/** The page cursor: the sort key and id of the last hit shown; opaque to clients. */
export interface Cursor {
  sortKey: number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sortKey, c.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [sortKey, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof sortKey === 'number' && Number.isSafeInteger(sortKey) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) {
      return { sortKey, id };
    }
  } catch {
    // fall through: any malformed cursor is the same client error
  }
  throw new AppError('validation_failed', 'cursor: not a cursor from a previous page');
}
