import { expect } from 'chai';
import { Allocation } from '../../models/Allocation.js';
import { AuditEvent } from '../../models/index.js';
import { allocationApprover } from '../../server/commands/finance/allocationApprover.js';
import { dialectOf } from '../../server/db.js';
import { ConflictError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { actorOf, buildAllocation, buildBudgetLine, buildFinanceProject } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';

/**
 * SECURITY.md "Money and state": N parallel approvals against one line never overdraw it. Runs on
 * the SQLite file database by default and on MariaDB with TEST_DATABASE_URL.
 */
describe(`allocation approvals under concurrency (${process.env.TEST_DATABASE_URL ? 'MariaDB/MySQL' : 'SQLite file'})`, () => {
  it('20 parallel approvals whose sum exceeds the line leave exactly the ones that fit approved, the line never negative, the ledger balanced', async function () {
    this.timeout(120_000);
    const line = await buildBudgetLine({ amountFen: 1_000_000 });
    const project = await buildFinanceProject({ year: line.year });
    const requester = (await buildUser('officer')).user;
    const approvers = await Promise.all([0, 1, 2, 3].map(async () => actorOf((await buildUser('finance')).user)));
    const allocations: Allocation[] = [];
    for (let i = 0; i < 20; i += 1) allocations.push(await buildAllocation({ line, project, requester, status: 'submitted', amountFen: 150_000 }));

    const results = await Promise.allSettled(allocations.map((a, i) => allocationApprover(a.id, { actor: approvers[i % approvers.length] })));

    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled.length, `${dialectOf()}: ${refused.map((r) => String(r.reason)).join('; ')}`).to.equal(6);
    for (const r of refused) expect(r.reason).to.be.instanceOf(ConflictError);
    const approved = await Allocation.count({ where: { budgetLineId: line.id, status: 'approved' } });
    expect(approved).to.equal(6);
    expect(await Allocation.count({ where: { budgetLineId: line.id, status: 'submitted' } })).to.equal(14);
    expect(await balance('line_available', line.id)).to.equal(100_000);
    const ids = allocations.map((a) => String(a.id));
    expect(await AuditEvent.count({ where: { action: 'allocation.approve', recordId: ids } })).to.equal(6);
    const report = await verifyLedger();
    expect(report.ok, JSON.stringify(report)).to.equal(true);
  });

  it('the same allocation approved 10 times at once moves its money once', async function () {
    this.timeout(60_000);
    const line = await buildBudgetLine({ amountFen: 1_000_000 });
    const a = await buildAllocation({ line, status: 'submitted', amountFen: 100_000 });
    const finance = actorOf((await buildUser('finance')).user);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => allocationApprover(a.id, { actor: finance })));
    expect(results.filter((r) => r.status === 'fulfilled').length).to.equal(1);
    expect(await balance('line_available', line.id)).to.equal(900_000);
    expect(await balance('allocation', a.id)).to.equal(100_000);
  });
});
