/**
 * `npm run restore -- DIR [--force]`: loads a backup made by `npm run backup` into the database
 * DATABASE_URL names and the files into the configured store, each checked against its SHA-256
 * (server/services/backup.ts, README "Backup and restore"). Refuses a database that holds tables
 * unless `--force`. Exit 0 when restored (files the backup did not hold are listed as a warning),
 * 1 for a wrong command line or a file whose bytes do not match, 2 when nothing could be restored.
 */
import { type Config, loadConfig } from '../config.js';
import { restore } from '../services/backup.js';
import { storeFor } from '../services/storage/index.js';
import { type Output, runAsScript } from './entry.js';

const USAGE = 'usage: npm run restore -- DIR [--force]';

export async function restoreCommand(
  argv: string[],
  io: Output,
  config: Pick<Config, 'databaseUrl' | 'uploadDir'> & Partial<Pick<Config, 'storage'>> = loadConfig(),
): Promise<number> {
  const force = argv.includes('--force');
  const rest = argv.filter((a) => a !== '--force');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    io.err(`${USAGE}\n`);
    return 1;
  }
  try {
    const report = await restore(config.databaseUrl, storeFor(config), rest[0], { force });
    for (const f of report.missing) io.err(`Warning: stored file ${f.key} (sha-256 ${f.sha256}) is not in the backup\n`);
    for (const f of report.mismatched) io.err(`Stored file ${f.key}: the copied bytes do not match sha-256 ${f.sha256}\n`);
    io.out(`Restored the database and ${report.restored} stored files${report.missing.length ? `; ${report.missing.length} not in the backup` : ''}\n`);
    return report.mismatched.length ? 1 : 0;
  } catch (err) {
    io.err(`Restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

runAsScript(import.meta.url, (io) => restoreCommand(process.argv.slice(2), io));
