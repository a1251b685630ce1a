/**
 * A throwaway PKI made by openssl in a temp dir: root → intermediate → signers (RSA, ECDSA P-256,
 * expired, no signing key usage), plus a TSA under the root. Real tools, so the tests exercise
 * the same encodings a customer's CA produces.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  rootPem: string;
  intermediatePem: string;
  /** P12 files (passphrase `passphrase`) with the signer and the intermediate. */
  p12: { rsa: string; ec: string; expired: string; noKeyUsage: string; notYetValid: string };
  tsa: { key: string; cert: string; chain: string; config: string };
  passphrase: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { input?: Buffer | string; cwd?: string } = {},
): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(cmd, args, { input: opts.input, cwd: opts.cwd, encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
}

function openssl(args: string[], cwd: string): void {
  const r = run('openssl', args, { cwd });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

const caConfig = (dir: string) => `
[ ca ]
default_ca = CA_default
[ CA_default ]
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ intermediate ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ signer ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ no_signing ]
basicConstraints = CA:false
keyUsage = critical,keyEncipherment
[ tsa_ext ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ${dir}/tsaserial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

export function createTestPki(dir: string): TestPki {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'tsaserial'), '01\n');
  const cnf = join(dir, 'ca.cnf');
  writeFileSync(cnf, caConfig(dir));
  const rsaKey = (name: string) =>
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], dir);
  const ecKey = (name: string) =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  const issue = (name: string, cn: string, issuer: string, ext: string, dates: string[] = ['-days', '3650']) => {
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/C=NO/O=Arkiv Test/CN=${cn}`, '-out', `${name}.csr`], dir);
    openssl(
      [
        'ca',
        '-batch',
        '-notext',
        '-config',
        cnf,
        '-cert',
        `${issuer}.crt`,
        '-keyfile',
        `${issuer}.key`,
        '-extensions',
        ext,
        ...dates,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.crt`,
      ],
      dir,
    );
  };
  rsaKey('root');
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'root.key',
      '-subj',
      '/C=NO/O=Arkiv Test/CN=Arkiv Test Root',
      '-days',
      '7300',
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'root.crt',
    ],
    dir,
  );
  rsaKey('intermediate');
  issue('intermediate', 'Arkiv Test Intermediate', 'root', 'intermediate');
  rsaKey('rsa');
  issue('rsa', 'Signer RSA', 'intermediate', 'signer');
  ecKey('ec');
  issue('ec', 'Signer EC', 'intermediate', 'signer');
  rsaKey('expired');
  issue('expired', 'Signer Expired', 'intermediate', 'signer', ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  rsaKey('future');
  issue('future', 'Signer Future', 'intermediate', 'signer', ['-startdate', '20990101000000Z', '-enddate', '20991231000000Z']);
  rsaKey('noku');
  issue('noku', 'Signer Without Signing Usage', 'intermediate', 'no_signing');
  rsaKey('tsa');
  issue('tsa', 'Arkiv Test TSA', 'root', 'tsa_ext');
  const passphrase = 'passphrase';
  const p12 = (name: string) => {
    openssl(
      [
        'pkcs12',
        '-export',
        '-inkey',
        `${name}.key`,
        '-in',
        `${name}.crt`,
        '-certfile',
        'intermediate.crt',
        '-passout',
        `pass:${passphrase}`,
        '-out',
        `${name}.p12`,
      ],
      dir,
    );
    return join(dir, `${name}.p12`);
  };
  return {
    dir,
    rootPem: join(dir, 'root.crt'),
    intermediatePem: join(dir, 'intermediate.crt'),
    p12: { rsa: p12('rsa'), ec: p12('ec'), expired: p12('expired'), noKeyUsage: p12('noku'), notYetValid: p12('future') },
    tsa: { key: join(dir, 'tsa.key'), cert: join(dir, 'tsa.crt'), chain: join(dir, 'root.crt'), config: cnf },
    passphrase,
  };
}
