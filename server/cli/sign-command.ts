import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isSigningError } from '../../signing/errors.js';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';

const usage = `usage: arkiv sign IN.pdf --p12 FILE --out OUT.pdf [--passphrase-env VAR] [--tsa URL] [--reason TEXT]
                  [--location TEXT] [--allow-no-timestamp]

  --passphrase-env VAR   environment variable holding the P12 passphrase (default: empty passphrase)
  --tsa URL              RFC 3161 time-stamp authority: the signature becomes PAdES B-T (fails if the TSA fails)
  --allow-no-timestamp   with --tsa: fall back to B-B if the TSA fails (the printed result says so)`;

/** `arkiv sign`: offline PAdES signing with a P12. Prints one JSON line describing the result. */
export async function signCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const input = positionals[0];
  if (!input || positionals.length > 1 || !values.p12 || !values.out) {
    console.error(usage);
    return 2;
  }
  // The passphrase never appears on the command line (visible in `ps`), only via the environment.
  const passphrase = values['passphrase-env'] ? process.env[values['passphrase-env']] : '';
  if (passphrase === undefined) {
    console.error(`arkiv sign: environment variable ${values['passphrase-env']} is not set`);
    return 2;
  }
  try {
    const credential = await loadP12(await readFile(values.p12), passphrase);
    const result = await signPdfFile(input, values.out, {
      credential,
      reason: values.reason,
      location: values.location,
      tsa: values.tsa ? { url: values.tsa, allowFallbackToBB: values['allow-no-timestamp'] ?? false } : undefined,
    });
    console.log(JSON.stringify({ out: values.out, ...result }));
    return 0;
  } catch (err) {
    if (isSigningError(err)) {
      console.error(`arkiv sign: ${err.code}: ${err.message}`);
      return 1;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      console.error(`arkiv sign: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      p12: { type: 'string' },
      out: { type: 'string' },
      'passphrase-env': { type: 'string' },
      tsa: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      'allow-no-timestamp': { type: 'boolean' },
    },
  });
}
