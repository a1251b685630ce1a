import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Cert, certsFromPem } from '../../signing/pki/certificate.js';
import { formatReport } from '../../signing/verify/format-report.js';
import { verifyPdfFile } from '../../signing/verify/verify-pdf.js';

const usage = `usage: arkiv verify FILE [--trust CA.pem ...] [--json]

  --trust CA.pem   a trust anchor (PEM, may hold several certificates); repeat for more.
                   Only these are trusted: the system certificate store is never used.
  --json           print the verification report as JSON
Exit code 0 when every signature is valid and trusted, 1 otherwise.`;

/** `arkiv verify`: offline signature verification of one PDF. */
export async function verifyCommand(args: string[]): Promise<number> {
  let values: { trust?: string[]; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(usage);
    return 2;
  }
  const anchors: Cert[] = [];
  for (const path of values.trust ?? []) {
    try {
      const certs = certsFromPem(await readFile(path, 'utf8'));
      if (certs.length === 0) throw new Error('no PEM certificate in the file');
      anchors.push(...certs);
    } catch (err) {
      console.error(`arkiv verify: cannot read trust anchor ${path}: ${(err as Error).message}`);
      return 2;
    }
  }
  let report: Awaited<ReturnType<typeof verifyPdfFile>>;
  try {
    report = await verifyPdfFile(file, { trustAnchors: anchors });
  } catch (err) {
    console.error(`arkiv verify: ${(err as Error).message}`);
    return 1;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.valid ? 0 : 1;
}
