/**
 * `npm run ledger:verify`: proves the money ledger balances (server/services/ledger.ts). Exit 0
 * when it does, 1 naming the first problem, 2 when it could not check at all.
 */
import { loadConfig } from '../config.js';
import { initDatabase } from '../database.js';
import { verifyLedger } from '../services/ledger.js';

async function main(): Promise<number> {
  const config = loadConfig();
  // Read-only: a check must not change the schema of the database it inspects.
  const sequelize = await initDatabase(config, { migrate: false });
  try {
    const report = await verifyLedger();
    if (report.ok) {
      process.stdout.write(`Ledger balanced: ${report.entries} entries, ${report.movements} movements\n`);
      return 0;
    }
    process.stdout.write(`Ledger does not balance: ${report.problem}\n`);
    return 1;
  } finally {
    await sequelize.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Could not verify the ledger: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
