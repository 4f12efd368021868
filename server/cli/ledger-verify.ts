/**
 * `npm run ledger:verify`: proves the money ledger balances (server/services/ledger.ts). Exit 0
 * when it does, 1 naming the first problem, 2 when it could not check at all.
 */
import { type Config, loadConfig } from '../config.js';
import { initDatabase } from '../database.js';
import { verifyLedger } from '../services/ledger.js';
import { type Output, runAsScript } from './entry.js';

/** Checks the ledger of the database the models use now; the exit code. */
export async function ledgerVerify(io: Output): Promise<number> {
  const report = await verifyLedger();
  if (report.ok) {
    io.out(`Ledger balanced: ${report.entries} entries, ${report.movements} movements\n`);
    return 0;
  }
  io.out(`Ledger does not balance: ${report.problem}\n`);
  return 1;
}

/** The command: connects to the configured database (read-only: no migration), checks, closes. */
async function ledgerVerifyCommand(io: Output, config: Pick<Config, 'databaseUrl' | 'sqlLog'> = loadConfig()): Promise<number> {
  try {
    // Read-only: a check must not change the schema of the database it inspects.
    const sequelize = await initDatabase(config, { migrate: false });
    try {
      return await ledgerVerify(io);
    } finally {
      await sequelize.close();
    }
  } catch (err) {
    io.err(`Could not verify the ledger: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

runAsScript(import.meta.url, (io) => ledgerVerifyCommand(io));
