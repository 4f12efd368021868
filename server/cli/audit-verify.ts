/**
 * `npm run audit:verify`: walks the audit chain and says whether it holds. Exit 0 when intact,
 * 1 when broken (naming the first broken link), 2 when it could not check at all.
 */
import { type Config, loadConfig } from '../config.js';
import { initDatabase } from '../database.js';
import { verifyAuditChain } from '../services/audit.js';
import { type Output, runAsScript } from './entry.js';

/** Checks the chain of the database the models use now; the exit code. */
export async function auditVerify(io: Output): Promise<number> {
  const report = await verifyAuditChain();
  if (report.ok) {
    io.out(`Audit chain intact: ${report.count} events\n`);
    return 0;
  }
  io.out(`Audit chain broken at event ${report.brokenAt}: ${report.reason}\n`);
  return 1;
}

/** The command: connects to the configured database (read-only: no migration), checks, closes. */
async function auditVerifyCommand(io: Output, config: Pick<Config, 'databaseUrl' | 'sqlLog'> = loadConfig()): Promise<number> {
  try {
    // Read-only: a check must not change the schema of the database it inspects.
    const sequelize = await initDatabase(config, { migrate: false });
    try {
      return await auditVerify(io);
    } finally {
      await sequelize.close();
    }
  } catch (err) {
    io.err(`Could not verify the audit chain: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

runAsScript(import.meta.url, (io) => auditVerifyCommand(io));
