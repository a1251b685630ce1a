import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createRuntime } from '../runtime.js';
import { auditCommand } from './audit-command.js';

const usage = `usage: arkiv <command>

  serve                                   run the HTTP server (what npm start runs)
  migrate                                 apply database migrations
  bootstrap --org NAME --email EMAIL      create/find an organization and admin; print {"orgId","token"}
  audit verify [--json] [--org ID]        recompute the audit hash chain and check every checkpoint
  audit checkpoint                        write signed checkpoints of every organization's audit head
  integrity run [--json] [--org ID]       re-hash every object, reconcile store and database, verify signatures
                                          and the audit chain; exit 1 when anything is found
  backup --out DIR [--with-objects] [--json]
                                          consistent database dump + object manifest (and the objects' bytes)
  restore --from DIR [--verify] [--json]  restore into a fresh database and store; --verify runs a full
                                          integrity run and audit verify on the copy, prints RTO and RPO
  extract FILE [--json | --text]          offline extraction of one PDF (no server, database or network)
  search reindex [--org ID]               rebuild every search entry from the archive; print the counts as JSON
  reextract [--all]                       queue extraction of every PDF read by an older extractor version (or all)
  sign IN.pdf --p12 FILE --out OUT.pdf [--passphrase-env VAR] [--tsa URL] [--reason TEXT] [--location TEXT]
                                          PAdES signature (B-B, or B-T with a time-stamp authority)
  verify FILE [--trust CA.pem ...] [--json]
                                          offline signature verification; exit 0 only if all valid and trusted

Settings come from the environment; see .env.example.`;

/** Entry point of the `arkiv` bin. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand();
      case 'migrate':
        return await migrateCommand();
      case 'bootstrap':
        return await bootstrapCommand(rest);
      // Loaded on demand: the server never pays for pdfjs, tesseract or the PDF signer at start.
      case 'extract':
        return await (await import('./extract-command.js')).extractCommand(rest);
      case 'sign':
        return await (await import('./sign-command.js')).signCommand(rest);
      case 'verify':
        return await (await import('./verify-command.js')).verifyCommand(rest);
      case 'reextract':
        return await (await import('./reextract-command.js')).reextractCommand(rest, () =>
          createRuntime(loadConfig(process.env), { logToStderr: true }),
        );
      case 'audit':
        return await auditCommand(rest, () => createRuntime(loadConfig(process.env), { logToStderr: true }));
      case 'search':
        return await (await import('./search-command.js')).searchCommand(rest, () =>
          createRuntime(loadConfig(process.env), { logToStderr: true }),
        );
      case 'integrity':
        return await (await import('./integrity-command.js')).integrityCommand(rest, () =>
          createRuntime(loadConfig(process.env), { logToStderr: true }),
        );
      // A backup reads the database as it is: it never migrates the source.
      case 'backup':
        return await (await import('./backup-command.js')).backupCommand(rest, () =>
          createRuntime(loadConfig(process.env), { migrate: false, logToStderr: true }),
        );
      case 'restore':
        return await (await import('./restore-command.js')).restoreCommand(rest, () =>
          createRuntime(loadConfig(process.env), { logToStderr: true }),
        );
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return command === undefined ? 2 : 0;
      default:
        console.error(`unknown command: ${command}\n\n${usage}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    console.error(`arkiv ${command}: ${describeError(err)}`);
    return 1;
  }
}

async function serveCommand(): Promise<number> {
  const { startServer } = await import('../serve.js');
  const runtime = await createRuntime(loadConfig(process.env));
  const running = await startServer(runtime);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      void running.shutdown(signal).then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function migrateCommand(): Promise<number> {
  const runtime = await createRuntime(loadConfig(process.env), { migrate: true, logToStderr: true });
  await runtime.close();
  console.log('migrations applied');
  return 0;
}

async function bootstrapCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { org: { type: 'string' }, email: { type: 'string' } } });
  if (!values.org || !values.email) {
    console.error('usage: arkiv bootstrap --org NAME --email EMAIL');
    return 2;
  }
  const { bootstrap } = await import('../../archive/tokens/bootstrap.js');
  const runtime = await createRuntime(loadConfig(process.env), { logToStderr: true });
  try {
    const result = await bootstrap(runtime.database.db, runtime.clock, { orgName: values.org, email: values.email });
    await bindConfiguredIssuer(runtime, result.orgId);
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    await runtime.close();
  }
}

function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/**
 * With OIDC_ISSUER and OIDC_AUDIENCE set, bootstrapping an organization also binds that issuer to
 * it (once), mapping the conventional `arkiv-*` groups to roles; admins refine the map by API.
 */
async function bindConfiguredIssuer(runtime: Awaited<ReturnType<typeof createRuntime>>, orgId: string): Promise<void> {
  const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience } = runtime.config;
  if (!issuer || !audience) return;
  const { createIdentityProvider, findProviderByIssuer } = await import('../../archive/identity/identity-providers.js');
  const { systemActor } = await import('../../policies/actor.js');
  if (await findProviderByIssuer(runtime.database.db, issuer)) return;
  await createIdentityProvider(runtime.archive, systemActor(orgId), {
    issuer,
    audience,
    rolesClaim: 'groups',
    roleMap: {
      'arkiv-admin': 'admin',
      'arkiv-controller': 'document_controller',
      'arkiv-signatory': 'signatory',
      'arkiv-auditor': 'auditor',
    },
  });
}
