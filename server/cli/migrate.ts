/**
 * `npm run db:migrate` (up: every pending migration) and `npm run db:rollback` (down: the last
 * one, `--to 0` for all of them, or `--to <name>` down to and including that one). Prints what
 * ran. The database is the one DATABASE_URL names, as for the app.
 */
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../config.js';
import { initDatabase } from '../database.js';
import { logger } from '../logger.js';
import { migrator } from '../migrate.js';
import { raiseAllGenerations } from '../services/change-generations.js';
import { type Output, runAsScript } from './entry.js';

const USAGE = 'usage: migrate.ts up | down [--to 0|<migration name>]';

type Migration = { command: 'up' | 'down'; to?: string | 0 };

function parse(argv: string[]): Migration | null {
  const [command, ...rest] = argv;
  if (command !== 'up' && command !== 'down') return null;
  if (rest.length === 0) return { command };
  if (command === 'down' && rest.length === 2 && rest[0] === '--to' && rest[1]) {
    return { command, to: rest[1] === '0' ? 0 : rest[1] };
  }
  return null;
}

/**
 * Runs `up` or `down [--to …]` over the database `open` connects to, prints what ran and closes
 * it; the exit code (1 for a wrong command line or a failure, said on `err`).
 */
export async function migrate(argv: string[], open: () => Promise<Sequelize>, io: Output): Promise<number> {
  const asked = parse(argv);
  if (!asked) {
    io.err(`${USAGE}\n`);
    return 1;
  }
  try {
    const sequelize = await open();
    try {
      const umzug = await migrator(sequelize);
      if (asked.command === 'up') {
        const ran = await umzug.up();
        for (const m of ran) io.out(`Applied ${m.name}\n`);
        io.out(ran.length ? `${ran.length} migration(s) applied.\n` : 'No pending migrations.\n');
      } else {
        const reverted = await umzug.down(asked.to === undefined ? undefined : { to: asked.to });
        for (const m of reverted) io.out(`Reverted ${m.name}\n`);
        io.out(reverted.length ? `${reverted.length} migration(s) reverted.\n` : 'Nothing to revert.\n');
      }
      // A running app may hold figures of before: every generation moves (services/change-generations.ts).
      await raiseAllGenerations(sequelize);
      return 0;
    } finally {
      await sequelize.close();
    }
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

runAsScript(import.meta.url, (io) => {
  // This command prints what ran itself; the JSON log lines of each step only when asked for.
  if (!process.env.LOG_LEVEL) logger.level = 'warn';
  return migrate(process.argv.slice(2), () => initDatabase(loadConfig(), { migrate: false }), io);
});
