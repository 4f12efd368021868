import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { logger } from './logger.js';

type MigrationStep = (params: { name: string; path?: string; context: ReturnType<Sequelize['getQueryInterface']> }) => Promise<unknown>;
type Migration = { up: MigrationStep; down: MigrationStep };

/** Whether this is the compiled app (dist/, npm run build) rather than the TypeScript sources. */
const COMPILED = import.meta.url.endsWith('.js');

/**
 * The umzug instance over `server/migrations`. Each migration exports `up` and `down` taking
 * the QueryInterface, and works on SQLite and MySQL alike.
 */
export function migrator(sequelize: Sequelize): Umzug<ReturnType<Sequelize['getQueryInterface']>> {
  return new Umzug({
    migrations: {
      // Compiled (npm run build), the migrations are .js files; each keeps its .ts name, the
      // name the database recorded it under, so a compiled app finds nothing pending that ran.
      glob: [`[0-9]*.${COMPILED ? 'js' : 'ts'}`, { cwd: path.join(import.meta.dirname, 'migrations') }],
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
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (m) => logger.info(m, 'migration'),
      warn: (m) => logger.warn(m, 'migration'),
      error: (m) => logger.error(m, 'migration'),
      debug: (m) => logger.debug(m, 'migration'),
    },
  });
}

/** Applies every pending migration; the names of those that ran. */
export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  return (await migrator(sequelize).up()).map((m) => m.name);
}
