import { open } from 'node:fs/promises';

/**
 * Whether a file is a PDF, by its bytes rather than the client's Content-Type: the header
 * `%PDF-` may sit anywhere in the first 1024 bytes (ISO 32000-1, 7.5.2 as readers implement it).
 */
export async function looksLikePdf(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).includes('%PDF-');
  } finally {
    await handle.close();
  }
}
