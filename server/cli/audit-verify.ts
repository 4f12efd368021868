/**
 * `npm run audit:verify`: walks the audit chain and says whether it holds. Exit 0 when intact,
 * 1 when broken (naming the first broken link), 2 when it could not check at all.
 */
import { loadConfig } from '../config.js';
import { initDatabase } from '../database.js';
import { verifyAuditChain } from '../services/audit.js';

async function main(): Promise<number> {
  const config = loadConfig();
  // Read-only: a check must not change the schema of the database it inspects.
  const sequelize = await initDatabase(config, { migrate: false });
  try {
    const report = await verifyAuditChain();
    if (report.ok) {
      process.stdout.write(`Audit chain intact: ${report.count} events\n`);
      return 0;
    }
    process.stdout.write(`Audit chain broken at event ${report.brokenAt}: ${report.reason}\n`);
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
    process.stderr.write(`Could not verify the audit chain: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
