/**
 * `npm run backup -- DIR`: a consistent copy of the database DATABASE_URL names and of the stored
 * files into the folder DIR, while the app runs (server/services/backup.ts, README "Backup and
 * restore"). Exit 0 when written (file rows without bytes are listed as a warning), 1 for a wrong
 * command line, 2 when no backup could be made.
 */
import { type Config, loadConfig } from '../config.js';
import { backup } from '../services/backup.js';
import { storeFor } from '../services/storage/index.js';
import { type Output, runAsScript } from './entry.js';

const USAGE = 'usage: npm run backup -- DIR';

export async function backupCommand(
  argv: string[],
  io: Output,
  config: Pick<Config, 'databaseUrl' | 'uploadDir'> & Partial<Pick<Config, 'storage'>> = loadConfig(),
): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    io.err(`${USAGE}\n`);
    return 1;
  }
  try {
    const { manifest, copied } = await backup(config.databaseUrl, storeFor(config), argv[0]);
    for (const f of manifest.missing) io.err(`Warning: stored file ${f.key} (sha-256 ${f.sha256}) has no matching bytes in the store; not in the backup\n`);
    io.out(
      `Backed up the ${manifest.dialect} database (${manifest.migrations.length} migrations) and ${manifest.fileCount} stored files (${copied} copied)` +
        `${manifest.missing.length ? `; ${manifest.missing.length} missing` : ''} to ${argv[0]}\n`,
    );
    return 0;
  } catch (err) {
    io.err(`Backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

runAsScript(import.meta.url, (io) => backupCommand(process.argv.slice(2), io));
