import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKUP_FORMAT, type BackupSummary, MANIFEST_FILE, SUMMARY_FILE, SUMS_FILE } from './format.js';
import { sha256OfFile } from './hashed-file.js';
import { RestoreRefused } from './restore-errors.js';

export interface RestoreProblem {
  kind: string;
  message: string;
  file?: string;
  rowId?: string;
  objectKey?: string;
}

export interface OpenedBackup {
  summary: BackupSummary;
  /** Relative path → SHA-256, from SHA256SUMS. */
  sums: Map<string, string>;
  problems: RestoreProblem[];
}

/**
 * Reads a backup and checks every metadata file (summary, dump, manifest) against SHA256SUMS
 * before anything is restored: a changed line in the dump is named by its file here, and the
 * target is never touched. Object files are checked while they are copied (they are named by
 * their hash, and reading them twice would double the restore time).
 */
export async function openBackup(dir: string): Promise<OpenedBackup> {
  const sumsText = await readFile(join(dir, SUMS_FILE), 'utf8').catch(() => {
    throw new RestoreRefused(`${dir} is not an Arkiv backup: ${SUMS_FILE} is missing`);
  });
  const sums = new Map<string, string>();
  for (const line of sumsText.split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (m) sums.set(m[2] as string, m[1] as string);
  }
  const problems: RestoreProblem[] = [];
  const check = async (file: string) => {
    const expected = sums.get(file);
    if (!expected) {
      problems.push({ kind: 'backup_file_unlisted', file, message: `${file} is not listed in ${SUMS_FILE}` });
      return false;
    }
    const actual = await sha256OfFile(join(dir, file)).catch(() => null);
    if (actual === null) {
      problems.push({ kind: 'backup_file_missing', file, message: `${file} is missing from the backup` });
      return false;
    }
    if (actual !== expected) {
      problems.push({
        kind: 'backup_file_changed',
        file,
        message: `${file} was changed after the backup: its SHA-256 is ${actual}, ${SUMS_FILE} says ${expected}`,
      });
      return false;
    }
    return true;
  };
  if (!(await check(SUMMARY_FILE))) {
    throw new RestoreRefused(problems.map((p) => p.message).join('; '));
  }
  const summary = JSON.parse(await readFile(join(dir, SUMMARY_FILE), 'utf8')) as BackupSummary;
  if (summary.format !== BACKUP_FORMAT) throw new RestoreRefused(`unknown backup format ${String(summary.format)}`);
  await check(MANIFEST_FILE);
  for (const table of summary.tables) await check(table.file);
  return { summary, sums, problems };
}
