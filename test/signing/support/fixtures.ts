import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** pyHanko's test vectors (MIT, see fixtures/pyhanko/LICENSE), copied from ../shared/testdata. */
export const pyhanko = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pyhanko');
