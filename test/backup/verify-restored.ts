/**
 * Spawned by test/backup/backup.test.ts: runs audit:verify and ledger:verify (their exported
 * checks) against the database DATABASE_URL names, in one process, so the test's own models
 * stay bound to the test database. Exit 0 only when both pass.
 */
import { auditVerify } from '../../server/cli/audit-verify.js';
import { ledgerVerify } from '../../server/cli/ledger-verify.js';
import { loadConfig } from '../../server/config.js';
import { initDatabase } from '../../server/database.js';

const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
const sequelize = await initDatabase(loadConfig(), { migrate: false });
try {
  const audit = await auditVerify(io);
  const ledger = await ledgerVerify(io);
  process.exitCode = audit === 0 && ledger === 0 ? 0 : 1;
} finally {
  await sequelize.close();
}
