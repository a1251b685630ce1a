import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The lines of a JSON-lines file, streamed; blank lines (the trailing newline) are skipped. */
export async function* readLines(path: string): AsyncIterable<string> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line.length > 0) yield line;
}

export async function* readJsonLines<T>(path: string): AsyncIterable<T> {
  for await (const line of readLines(path)) yield JSON.parse(line) as T;
}
