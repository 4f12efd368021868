import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Umzug } from 'umzug';
import { logger } from './logger.js';

type MigrationStep = (params: { name: string; path?: string; context: ReturnType<Sequelize['getQueryInterface']> }) => Promise<unknown>;
type Migration = { up: MigrationStep; down: MigrationStep };

/** Whether this is the compiled app (dist/, npm run build) rather than the TypeScript sources. */
const COMPILED = import.meta.url.endsWith('.js');

const MIGRATIONS = path.join(import.meta.dirname, 'migrations');
/** Migration files: those whose name starts with a digit, of the code's own kind. */
const EXTENSION = COMPILED ? 'js' : 'ts';
/** The table umzug records the applied migrations in, one row per file by `name`. */
const TABLE = 'schema_migrations';

/**
 * The umzug instance over `server/migrations`. Each migration exports `up` and `down` taking
 * the QueryInterface, and works on SQLite and MySQL alike. umzug is loaded here, not with the app
 * (#15): with its command-line parts it holds ~5 MB of heap, which a start with nothing to migrate
 * does not need (`migrateUp`).
 */
export async function migrator(sequelize: Sequelize): Promise<Umzug<ReturnType<Sequelize['getQueryInterface']>>> {
  const { SequelizeStorage, Umzug } = await import('umzug');
  return new Umzug({
    migrations: {
      // Compiled (npm run build), the migrations are .js files; each keeps its .ts name, the
      // name the database recorded it under, so a compiled app finds nothing pending that ran.
      glob: [`[0-9]*.${EXTENSION}`, { cwd: MIGRATIONS }],
      resolve: ({ name, path: file, context }) => {
        const load = async () => (await import(pathToFileURL(file ?? '').href)) as Migration;
        const stored = name.replace(/\.js$/, '.ts');
        return {
          name: stored,
          path: file,
          up: async () => (await load()).up({ name: stored, path: file, context }),
          down: async () => (await load()).down({ name: stored, path: file, context }),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: TABLE }),
    logger: {
      info: (m) => logger.info(m, 'migration'),
      warn: (m) => logger.warn(m, 'migration'),
      error: (m) => logger.error(m, 'migration'),
      debug: (m) => logger.debug(m, 'migration'),
    },
  });
}

/**
 * Whether every migration file is recorded as applied: what umzug's `pending()` tells, read
 * without loading umzug (the names as the database records them, `.ts`). A database without the
 * table has everything pending.
 */
async function allApplied(sequelize: Sequelize): Promise<boolean> {
  const files = fs
    .readdirSync(MIGRATIONS)
    .filter((f) => /^[0-9]/.test(f) && f.endsWith(`.${EXTENSION}`))
    .map((f) => f.replace(/\.js$/, '.ts'));
  if (!(await sequelize.getQueryInterface().tableExists(TABLE))) return false;
  const applied = new Set((await sequelize.query<{ name: string }>(`SELECT name FROM ${TABLE}`, { type: QueryTypes.SELECT })).map((r) => r.name));
  return files.every((f) => applied.has(f));
}

/**
 * Applies every pending migration; the names of those that ran. When there is none (every start
 * but the first after an upgrade), umzug is not loaded.
 */
export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  if (await allApplied(sequelize)) return [];
  return (await (await migrator(sequelize)).up()).map((m) => m.name);
}
