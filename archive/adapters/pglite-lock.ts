import { open, readFile, rm } from 'node:fs/promises';
import { AppError } from '../../core/errors.js';

/**
 * PGlite is a single-process database: two processes opening the same directory corrupt it.
 * A pid file makes the second one stop with a clear message instead. A lock left by a process
 * that no longer exists (kill -9, power loss) is taken over.
 */
export async function lockPgliteDir(dir: string): Promise<() => Promise<void>> {
  // Beside the directory, not in it: PGlite refuses to initialise a non-empty directory.
  const path = `${dir}.pid`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new AppError(
          'service_unavailable',
          `the embedded database in ${dir} is in use by process ${holder}; stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new AppError('service_unavailable', `could not lock the embedded database in ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
