/**
 * bench:batch-claims — a batch approval of 500 verified claims (issue #18): builds a fresh
 * database (a temp SQLite file, or BENCH_DATABASE_URL's MariaDB/MySQL database, emptied first)
 * with one activated contract whose reimbursement ceiling holds them all, writes N verified claims
 * straight to the table, then times (1) resolving "all matching the filter" (the confirmation's
 * count and total), (2) recording the batch, (3) deciding every item by claimApprover, each in
 * its own transaction with its locks, ledger movement and audit event. Reports the wall time,
 * items/s, the outcome and whether the ledger balances. Writes bench/results/batch-claims.md.
 *
 *   npm run bench:batch-claims
 *   BENCH_CLAIMS=2000 BENCH_OUT=/tmp/b.md npm run bench:batch-claims
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/cp_bench npm run bench:batch-claims
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_CLAIMS ?? 500);
const OUT = process.env.BENCH_OUT ?? path.join(import.meta.dirname, 'results', 'batch-claims.md');
// The test support builds the database by the real migrations (a temp SQLite file, or a fresh
// database named by TEST_DATABASE_URL); the factories need it. Quiet logs: a line per migration
// would measure the terminal.
process.env.LOG_LEVEL ??= 'silent';
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

async function main(): Promise<void> {
  const { Batch } = await import('../models/Batch.js');
  const { Claim } = await import('../models/Claim.js');
  const { queueCandidates } = await import('../server/commands/batches/batchKinds.js');
  const { batchCounts, batchRunner } = await import('../server/commands/batches/batchRunner.js');
  const { batchStarter } = await import('../server/commands/batches/batchStarter.js');
  const { verifyLedger } = await import('../server/services/ledger.js');
  const { buildClaimSetup } = await import('../test/factories/claims.js');
  const { actorOf } = await import('../test/factories/finance.js');
  const hooks = await import('../test/support/hooks.js');
  process.env.CAREPROCURE_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-bench-batch-'));
  await hooks.mochaHooks.beforeAll.call({ timeout: () => undefined } as unknown as Mocha.Context);
  const sequelize = hooks.testSequelize();
  const label =
    sequelize.getDialect() === 'sqlite' ? 'SQLite (temp file, WAL)' : `MariaDB/MySQL (${new URL(process.env.TEST_DATABASE_URL ?? 'mysql://?').host})`;
  const s = await buildClaimSetup({ activated: true, ceilingFen: N * 5_000 });
  const at = new Date();
  const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  await Claim.bulkCreate(
    Array.from({ length: N }, (_, i) => ({
      contractId: s.contract.id,
      organisationId: s.contract.organisationId,
      districtId: s.contract.districtId,
      childWorkerId: s.worker.id,
      engagementId: s.engagement.id,
      month: months[i % 12],
      status: 'verified' as const,
      totalFen: 5_000,
      claimedFen: 5_000,
      createdBy: s.orgUser.id,
      submittedBy: s.orgUser.id,
      submittedAt: at,
      verifiedBy: s.officer.id,
      verifiedAt: at,
    })),
  );
  const by = { actor: actorOf(s.finance) };
  const load = os.loadavg()[0];
  const t0 = performance.now();
  const chosen = await queueCandidates('claim-approve', by.actor, { organisationId: s.contract.organisationId });
  const t1 = performance.now();
  const batch = await batchStarter(
    'claim-approve',
    chosen.map((c) => c.id),
    by,
    `organisationId=${s.contract.organisationId}`,
  );
  const t2 = performance.now();
  // The SQL statements deciding the items take: a figure the machine's load does not change.
  let statements = 0;
  // Sequelize reads its `logging` option at every query (the option is not in its type declarations).
  const options = (sequelize as unknown as { options: { logging: unknown } }).options;
  const logging = options.logging;
  options.logging = () => {
    statements += 1;
  };
  const ended = await batchRunner(batch.id, by);
  const t3 = performance.now();
  options.logging = logging;
  const counts = await batchCounts(batch.id);
  const ledger = await verifyLedger();
  const runS = (t3 - t2) / 1000;
  const lines = [
    `# bench:batch-claims — ${new Date().toISOString().slice(0, 19)}Z`,
    '',
    `- Database: ${label}; Node ${process.version}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`,
    `- Load average (1 min) before: ${load.toFixed(2)}, after: ${os.loadavg()[0].toFixed(2)}`,
    `- Claims: ${N} verified claims of one activated contract, approved by one finance user in one batch`,
    '',
    '| step | time |',
    '| --- | ---: |',
    `| "all matching the filter" (count and total for the confirmation) | ${(t1 - t0).toFixed(0)} ms |`,
    `| recording the batch (${chosen.length} items, audited) | ${(t2 - t1).toFixed(0)} ms |`,
    `| deciding every item (claimApprover, one transaction each) | ${runS.toFixed(2)} s (${(N / runS).toFixed(0)} items/s, ${((t3 - t2) / N).toFixed(1)} ms each) |`,
    `| SQL statements while deciding | ${statements} (${(statements / N).toFixed(1)} an item) |`,
    '',
    `- Outcome: batch ${ended.status}; ${counts.done} done, ${counts.refused} refused, ${counts.pending} pending; ledger ${ledger.ok ? 'balanced' : `NOT balanced: ${ledger.problem}`}`,
    `- Batches in the database: ${await Batch.count()}`,
    '',
  ];
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
  await sequelize.close();
  fs.rmSync(process.env.CAREPROCURE_TEST_RUN_DIR, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
