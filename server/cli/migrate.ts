/**
 * `npm run db:migrate` (up: every pending migration) and `npm run db:rollback` (down: the last
 * one, `--to 0` for all of them, or `--to <name>` down to and including that one). Prints what
 * ran. The database is the one DATABASE_URL names, as for the app.
 */
// This command prints what ran itself; the JSON log lines of each step only when asked for
// with LOG_LEVEL. The logger reads LOG_LEVEL when first imported, hence the late imports.
process.env.LOG_LEVEL ??= 'warn';
const { loadConfig } = await import('../config.js');
const { initDatabase } = await import('../database.js');
const { migrator } = await import('../migrate.js');

const USAGE = 'usage: migrate.ts up | down [--to 0|<migration name>]';

function parse(argv: string[]): { command: 'up' | 'down'; to?: string | 0 } {
  const [command, ...rest] = argv;
  if (command !== 'up' && command !== 'down') throw new Error(USAGE);
  if (rest.length === 0) return { command };
  if (command === 'down' && rest.length === 2 && rest[0] === '--to' && rest[1]) {
    return { command, to: rest[1] === '0' ? 0 : rest[1] };
  }
  throw new Error(USAGE);
}

async function main(): Promise<void> {
  const { command, to } = parse(process.argv.slice(2));
  const config = loadConfig();
  const sequelize = await initDatabase(config, { migrate: false });
  try {
    const umzug = migrator(sequelize);
    if (command === 'up') {
      const ran = await umzug.up();
      for (const m of ran) process.stdout.write(`Applied ${m.name}\n`);
      process.stdout.write(ran.length ? `${ran.length} migration(s) applied.\n` : 'No pending migrations.\n');
    } else {
      const reverted = await umzug.down(to === undefined ? undefined : { to });
      for (const m of reverted) process.stdout.write(`Reverted ${m.name}\n`);
      process.stdout.write(reverted.length ? `${reverted.length} migration(s) reverted.\n` : 'Nothing to revert.\n');
    }
  } finally {
    await sequelize.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
