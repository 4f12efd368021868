import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { initDatabase } from './database.js';
import { startDeliveries, startHousekeeping } from './housekeeping.js';
import { logger } from './logger.js';
import { seedUsers } from './seed.js';
import { thisYear, today } from './clock.js';
import { redFlagRound } from './commands/oversight/redFlagRound.js';
import { seedDemoOverview } from './services/demo-overview.js';
import { PersonalDataCipher } from './services/personal-data.js';
import { gracefulStop } from './shutdown.js';

/** Boot: read config, connect, migrate, seed, listen. The only file that listens. */
async function main(): Promise<void> {
  const config = loadConfig();
  const sequelize = await initDatabase(config);
  const accounts = await seedUsers(config);
  // A demo database also gets a history the city overview can compare (#17); never in production.
  if (accounts.length && !config.isProduction) {
    await seedDemoOverview(thisYear(), new PersonalDataCipher(config.dataKey));
    // …and its red flags at once, rather than after the first night.
    await redFlagRound(today());
  }
  if (accounts.length) {
    // Printed once, to the console of whoever started the app; never logged as JSON.
    const heading = config.isProduction ? 'First administrator created. Sign in and change this one-time password now:' : 'Demo accounts (development only):';
    process.stdout.write(`\n${heading}\n`);
    for (const a of accounts) process.stdout.write(`  ${a.role.padEnd(10)} ${a.username.padEnd(14)} ${a.password}\n`);
    process.stdout.write('\n');
  }
  const housekeeping = startHousekeeping(config);
  const deliveries = startDeliveries(config);
  const app = createApp(config);
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, host: config.host, dialect: sequelize.getDialect(), env: config.env }, 'listening');
    process.stdout.write(`CareProcure is running at http://${config.host}:${port}/\n`);
  });
  const stopServer = gracefulStop(server);
  // SIGTERM (an orchestrator, systemd) or Ctrl-C: finish what is in flight, close the pool, exit 0.
  // A second signal while stopping exits at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    Promise.all([stopServer(), housekeeping.stop(), deliveries.stop()])
      .then(() => sequelize.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err: String(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  logger.fatal({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'failed to start');
  process.exit(1);
});
