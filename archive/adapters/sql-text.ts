import { SQL, StringChunk } from 'drizzle-orm';

/** A statement as PostgreSQL receives it: text with `$n` placeholders, and the values. */
export interface SqlText {
  text: string;
  params: unknown[];
}

/**
 * Renders a drizzle `sql` template built from text, nested templates and plain values (the only
 * parts the search statements use) into PostgreSQL text and parameters, exactly as drizzle's
 * dialect does (postgres-search-sql.test.ts compares the two). Drizzle's general renderer merges
 * a copied configuration and a result object per nested template: for a search statement of ~300
 * parts that was 0.5–0.8 ms of CPU and most of the garbage per search, on a hot path where every
 * millisecond queues at 8 concurrent searches on two cores. Anything else (columns, tables,
 * drizzle params) is refused: such a statement goes through `db.execute`.
 */
export function sqlText(query: SQL): SqlText {
  const out: SqlText = { text: '', params: [] };
  append(query.queryChunks, out);
  return out;
}

function append(chunks: readonly unknown[], out: SqlText): void {
  for (const chunk of chunks) {
    if (chunk instanceof StringChunk) out.text += chunk.value.join('');
    else if (chunk instanceof SQL) append(chunk.queryChunks, out);
    else if (chunk === undefined) continue;
    else if (chunk === null || typeof chunk === 'string' || typeof chunk === 'number' || typeof chunk === 'boolean') {
      out.params.push(chunk);
      out.text += `$${out.params.length}`;
    } else throw new Error(`sqlText renders text, nested sql and plain values only, not ${Object.prototype.toString.call(chunk)}`);
  }
}
