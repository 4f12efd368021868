import { expect } from 'chai';
import type { User } from '../../models/index.js';
import { Allocation } from '../../models/Allocation.js';
import { Payment } from '../../models/Payment.js';
import { claimApprover } from '../../server/commands/claims/claimWorkflow.js';
import type { ConflictError } from '../../server/errors.js';
import { translator } from '../../server/i18n/index.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { loginAs } from '../support/agent.js';

const by = (u: User) => ({ actor: actorOf(u) });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

// Defect #12.2: activation committed the whole service allocation and the ceiling had no money behind it.
describe('claims: the money behind the reimbursement ceiling', () => {
  it('a claim on a contract activated through the commands is approved from the ceiling committed at activation; both pages show funded and left', async () => {
    const s = await buildClaimSetup({ activated: true, ceilingFen: 200_000 });
    const allocation = (await Allocation.findOne({ where: { projectId: s.contract.projectId } }))!;
    expect(await balance('allocation', allocation.id), 'activation took value and ceiling').to.equal(0);
    expect(await balance('contract_committed', s.contract.id)).to.equal(1_000_000 + 200_000);
    const claim = await buildClaim(s, { status: 'verified', lines: [{ amountFen: 12_345 }] });
    await claimApprover(claim.id, by(s.finance));
    const payment = (await Payment.findOne({ where: { contractId: s.contract.id, kind: 'claim' } }))!;
    expect(payment.status).to.equal('approved');
    expect(await balance('contract_committed', s.contract.id), 'nothing more committed').to.equal(1_200_000);
    expect((await verifyLedger()).ok).to.equal(true);

    const agent = await loginAs(s.finance, 'correct horse battery staple');
    const claimPage = (await agent.get(`/claims/${claim.id}`)).text;
    expect(claimPage).to.match(/data-testid="ceiling-funded">¥2,000\.00</);
    expect(claimPage).to.match(/data-testid="ceiling-left">¥1,876\.55</);
    const contractPage = (await agent.get(`/contracts/${s.contract.id}`)).text;
    expect(contractPage).to.match(/data-testid="ceiling-funded">¥2,000\.00</);
  });

  it('a contract whose ceiling has no money behind it: the page says so (funded ¥0.00) and approval is refused saying who provides it', async () => {
    const s = await buildClaimSetup({ ceilingFen: 20_000, fundedFen: 0 });
    const claim = await buildClaim(s, { status: 'verified', lines: [{ amountFen: 5_000 }] });
    const agent = await loginAs(s.finance, 'correct horse battery staple');
    const page = (await agent.get(`/claims/${claim.id}`)).text;
    expect(page).to.match(/data-testid="ceiling-funded">¥0\.00</);
    expect(page).to.match(/data-testid="ceiling-left">¥0\.00</);
    const e = (await errorOf(claimApprover(claim.id, by(s.finance)))) as ConflictError;
    expect(e.messageKey).to.equal('claims.errors.noFunds');
    const text = translator('zh-CN')(e.messageKey, e.vars);
    expect(text).to.contain('经办人').and.to.contain('财政审核人').and.to.contain('¥50.00');
  });
});
