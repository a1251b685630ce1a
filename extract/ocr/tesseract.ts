import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';

const require = createRequire(import.meta.url);
export const OCR_LANGS = ['eng', 'deu', 'fra', 'nor'] as const;

/**
 * One directory holding every language's traineddata from the installed @tesseract.js-data
 * packages. tesseract.js reads all languages from a single langPath, and without a local path it
 * would download from a CDN — extraction must never touch the network.
 */
function localLangDir(): string {
  const dir = join(tmpdir(), `arkiv-tessdata-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  for (const lang of OCR_LANGS) {
    const target = join(dir, `${lang}.traineddata.gz`);
    if (existsSync(target)) continue;
    const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    try {
      symlinkSync(join(pkg, '4.0.0_best_int', `${lang}.traineddata.gz`), target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return dir;
}

/**
 * A tesseract.js worker, LSTM only. The core wasm is loaded from the installed tesseract.js-core
 * package (the Node build requires it locally; corePath is only consulted in browsers).
 */
export async function createOcrWorker(langs = 'eng+deu'): Promise<Worker> {
  const dir = localLangDir();
  return createWorker(langs, OEM.LSTM_ONLY, {
    langPath: dir,
    cachePath: dir,
    cacheMethod: 'none',
    gzip: true,
    logger: () => {},
    errorHandler: () => {},
  });
}
