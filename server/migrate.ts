import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { logger } from './logger.js';

/**
 * The umzug instance over `server/migrations`. Each migration exports `up` and `down` taking
 * the QueryInterface, and works on SQLite and MySQL alike.
 */
export function migrator(sequelize: Sequelize): Umzug<ReturnType<Sequelize['getQueryInterface']>> {
  return new Umzug({
    migrations: {
      glob: ['[0-9]*.ts', { cwd: path.join(import.meta.dirname, 'migrations') }],
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

/** Applies every pending migration. */
export async function migrateUp(sequelize: Sequelize): Promise<void> {
  await migrator(sequelize).up();
}
