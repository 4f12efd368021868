import { expect } from 'chai';
import { LedgerEntry } from '../../models/LedgerEntry.js';
import { ledgerVerify } from '../../server/cli/ledger-verify.js';
import { withTransaction } from '../../server/db.js';
import { balance, balances, LedgerError, legsOf, post, verifyLedger } from '../../server/services/ledger.js';
import { buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { captured, runScript } from '../support/cli.js';
import { testConfig, testSequelize } from '../support/hooks.js';

const ctx = (recordId: number) => ({ recordType: 'test', recordId, createdBy: null });

/** `npm run ledger:verify` in-process, on the test database. */
async function runVerify(): Promise<{ code: number; stdout: string }> {
  const io = captured();
  const code = await ledgerVerify(io);
  return { code, stdout: io.stdout() };
}

describe('ledger', () => {
  it('funds a new line: funding goes negative, line_available holds the amount', async () => {
    const line = await buildBudgetLine({ amountFen: 123_456 });
    expect(await balance('funding', line.id)).to.equal(-123_456);
    expect(await balance('line_available', line.id)).to.equal(123_456);
    const many = await balances('line_available', [line.id, 999_999_999]);
    expect(many.get(line.id)).to.equal(123_456);
    expect(many.get(999_999_999)).to.equal(0);
  });

  it('refuses an unbalanced movement, a leg in the wrong direction and an overdraft, writing nothing', async () => {
    const line = await buildBudgetLine({ amountFen: 1_000 });
    const before = await LedgerEntry.count();
    const attempt = (legs: Parameters<typeof post>[1], movement: Parameters<typeof post>[0] = 'allocate') =>
      withTransaction((t) => post(movement, legs, ctx(line.id), t)).then(
        () => null,
        (e: unknown) => e,
      );
    const unbalanced = await attempt([
      { accountType: 'line_available', accountId: line.id, amountFen: -500 },
      { accountType: 'allocation', accountId: 1, amountFen: 400 },
    ]);
    expect(unbalanced).to.be.instanceOf(LedgerError);
    expect((unbalanced as Error).message).to.match(/sum to -100/);
    const wrongWay = await attempt(legsOf('allocate', line.id, 1, -10));
    expect(wrongWay).to.be.instanceOf(LedgerError);
    const overdraft = await attempt(legsOf('allocate', line.id, 1, 1_001));
    expect(overdraft).to.be.instanceOf(LedgerError);
    expect((overdraft as LedgerError).account?.balanceFen).to.equal(1_000);
    const notThisMovement = await attempt(legsOf('pay', line.id, line.id, 10), 'allocate');
    expect(notThisMovement).to.be.instanceOf(LedgerError);
    expect(await LedgerEntry.count()).to.equal(before);
  });

  it('offers no way to change or remove an entry', async () => {
    const ledger = await import('../../server/services/ledger.js');
    expect(Object.keys(ledger).filter((k) => /update|delete|remove|destroy|edit/i.test(k))).to.deep.equal([]);
  });

  it('verifies balanced books, and names a tampered entry (npm run ledger:verify exits 0, then 1)', async function () {
    this.timeout(60_000);
    await buildAllocation({ status: 'approved' });
    await buildAllocation({ status: 'released' });
    const ok = await verifyLedger();
    expect(ok.ok, JSON.stringify(ok)).to.equal(true);
    const good = await runVerify();
    expect(good.code, good.stdout).to.equal(0);
    expect(good.stdout).to.match(/^Ledger balanced: \d+ entries, \d+ movements/);

    const line = await buildBudgetLine({ amountFen: 5_000 });
    const entry = await LedgerEntry.findOne({ where: { accountType: 'line_available', accountId: line.id } });
    await testSequelize().query('UPDATE ledger_entries SET amount_fen = 6000 WHERE id = ?', { replacements: [entry!.id] });
    try {
      const bad = await verifyLedger();
      expect(bad.ok).to.equal(false);
      expect(bad.ok ? '' : bad.problem).to.contain(entry!.txn);
      const cli = await runVerify();
      expect(cli.code).to.equal(1);
      expect(cli.stdout).to.contain(entry!.txn);
      // The one run as a script, as `npm run ledger:verify` does: its exit code and output.
      const script = await runScript('ledger-verify.ts', [], testConfig().databaseUrl);
      expect(script.code).to.equal(1);
      expect(script.stdout).to.contain(entry!.txn);
    } finally {
      await testSequelize().query('UPDATE ledger_entries SET amount_fen = 5000 WHERE id = ?', { replacements: [entry!.id] });
    }
    expect((await verifyLedger()).ok).to.equal(true);
  });
});
