/**
 * `npm run backup -- <directory>` and `npm run restore -- <directory> [--force]`: the
 * same configuration as the server (DATABASE_URL through server/config.ts), one line of
 * outcome, exit status 0 on success, 1 on a refusal or failure, 64 on bad usage and 78
 * on bad configuration, as the server itself.
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { type Manifest, OpsError, describeCounts } from './manifest.js';
import { backupPostgres, restorePostgres } from './postgres.js';
import { backupSqlite, restoreSqlite } from './sqlite.js';

type Env = Readonly<Record<string, string | undefined>>;

const USAGE = {
  backup: 'usage: npm run backup -- <new directory>   (DATABASE_URL as for the server)',
  restore: 'usage: npm run restore -- <backup directory> [--force]   (into DATABASE_URL, as for the server)',
};

/** Runs `backup` or `restore` with `args` (after the script name); resolves to the exit status. */
export async function runOps(
  command: 'backup' | 'restore',
  args: readonly string[],
  env: Env,
  print: (line: string) => void = console.log,
  printError: (line: string) => void = console.error,
): Promise<number> {
  const force = args.includes('--force');
  const positional = args.filter((a) => a !== '--force');
  const unknown = positional.find((a) => a.startsWith('-'));
  if (positional.length !== 1 || unknown || (force && command === 'backup')) {
    printError(unknown ? `parley ${command}: unknown option ${unknown}\n${USAGE[command]}` : USAGE[command]);
    return 64; // EX_USAGE
  }
  const dir = resolve(positional[0]!);
  let databaseUrl: string;
  try {
    databaseUrl = loadConfig(env).databaseUrl;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printError(`parley ${command}: ${error.message}`);
    return 78; // EX_CONFIG
  }
  const postgres = !databaseUrl.startsWith('file:');
  const started = Date.now();
  try {
    let manifest: Manifest;
    if (command === 'backup') {
      manifest = postgres ? await backupPostgres(databaseUrl, dir, env) : await backupSqlite(databaseUrl, dir);
    } else {
      manifest = postgres
        ? await restorePostgres(dir, databaseUrl, { force, env })
        : await restoreSqlite(dir, databaseUrl, { force });
    }
    const files = manifest.files ? `; ${manifest.files} stored files in files/` : '';
    print(
      `parley ${command}: ${command === 'backup' ? `wrote ${dir}` : `restored ${dir}`} ` +
        `(${manifest.store}, schema ${manifest.migration ?? 'empty'}, taken ${manifest.createdAt}; ` +
        `${describeCounts(manifest.counts)}${files}) in ${((Date.now() - started) / 1_000).toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof OpsError)) throw error;
    printError(`parley ${command}: ${error.message}`);
    return 1;
  }
}
