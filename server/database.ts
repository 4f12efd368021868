import type { Sequelize } from 'sequelize';
import { initModels } from '../models/index.js';
import type { Config } from './config.js';
import { armSilenceLimit, createSequelize, prepareDatabase, setSequelize } from './db.js';
import { migrateUp } from './migrate.js';
import { raiseAllGenerations, trackChanges } from './services/change-generations.js';

/** Connects, applies pending migrations and makes the models usable. */
export async function initDatabase(config: Pick<Config, 'databaseUrl' | 'sqlLog'>, opts: { migrate?: boolean } = {}): Promise<Sequelize> {
  const sequelize = createSequelize(config.databaseUrl, { sqlLog: config.sqlLog });
  await sequelize.authenticate();
  await prepareDatabase(sequelize);
  setSequelize(sequelize);
  initModels(sequelize);
  if (opts.migrate !== false) {
    // What migrations changed was not tracked (the table of generations may not have existed):
    // every generation is raised after they ran, so no process serves a figure of before them.
    if ((await migrateUp(sequelize)).length) await raiseAllGenerations(sequelize);
    trackChanges(sequelize);
  }
  // Migrations may run long and silent; requests may not (see cutWhenSilent in db.ts).
  armSilenceLimit(sequelize);
  return sequelize;
}
