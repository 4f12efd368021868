import { expect } from 'chai';
import { Batch } from '../../models/Batch.js';
import { Claim } from '../../models/Claim.js';
import { verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { anonymous, loginAs, postForm } from '../support/agent.js';

/** Waits for a batch started by a page to end (it runs after the response). */
async function finished(batchId: number): Promise<Batch> {
  for (let i = 0; i < 400; i++) {
    const b = (await Batch.findByPk(batchId))!;
    if (b.status !== 'running') return b;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`batch ${batchId} still running`);
}

describe('batch decisions: pages (#18)', () => {
  it('finance ticks claims in the queue, sees count and total on the second look, confirms once and reads each item’s result', async () => {
    const s = await buildClaimSetup({ ceilingFen: 12_000 });
    const a = await buildClaim(s, { status: 'verified', lines: [{ amountFen: 5_000 }] });
    const b = await buildClaim(s, { status: 'verified', month: '2026-04', lines: [{ amountFen: 6_000 }] });
    const c = await buildClaim(s, { status: 'verified', month: '2026-05', lines: [{ amountFen: 4_000 }] });
    const finance = await loginAs(s.finance, TEST_PASSWORD);
    const queue = await finance.get(`/claims/queue?organisationId=${s.organisation.id}`);
    expect(queue.status).to.equal(200);
    expect(queue.text).to.contain('data-testid="batch-bar"');
    expect(queue.text).to.contain('批准全部符合条件的 3 项（合计 ¥150.00）');
    for (const claim of [a, b, c]) expect(queue.text).to.contain(`data-testid="select-${claim.id}"`);

    const look = await postForm(finance, '/batches/claim-approve', { ids: [String(a.id), String(b.id), String(c.id)], confirmed: '' });
    expect(look.status).to.equal(200);
    expect(look.text).to.contain('批准 3 份报销申请，合计 ¥150.00。');
    expect(look.text).to.contain(`value="${a.id},${b.id},${c.id}"`);
    expect((await Claim.findByPk(a.id))!.status, 'the second look changes nothing').to.equal('verified');

    const go = await postForm(finance, '/batches/claim-approve', { ids: `${a.id},${b.id},${c.id}` });
    expect(go.status).to.equal(303);
    const batchId = Number(/\/batches\/(\d+)$/.exec(go.headers.location)![1]);
    const batch = await finished(batchId);
    expect(batch).to.include({ status: 'done', itemCount: 3, totalFen: 15_000, createdBy: s.finance.id });
    const progress = await finance.get(`/batches/${batchId}/progress`);
    expect(progress.body).to.include({ status: 'done', total: 3, done: 2, refused: 1, pending: 0, percent: 100 });
    const page = (await finance.get(`/batches/${batchId}`)).text;
    expect(page).to.contain('已处理 3 / 3 项：办结 2，未通过 1');
    expect(page.match(/data-outcome="done"/g)).to.have.length(2);
    // The third did not fit the ceiling: the reason is the single action's own.
    expect(page).to.match(/批准 ¥40\.00 将超出合同报销上限，剩余额度 ¥10\.00/);
    expect((await Claim.findByPk(c.id))!.status).to.equal('verified');
    expect((await finance.get(`/batches/${batchId}?outcome=refused`)).text.match(/data-testid="batch-item"/g)).to.have.length(1);
    expect((await finance.get('/batches')).text).to.contain(`href="/batches/${batchId}"`);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('"all matching the filter" takes the queue’s rows of that filter; an officer verifies in a batch and may not approve', async () => {
    const s = await buildClaimSetup();
    const claims = [await buildClaim(s, { status: 'submitted' }), await buildClaim(s, { status: 'submitted', month: '2026-04' })];
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const look = await postForm(officer, '/batches/claim-verify', { all: '1', organisationId: String(s.organisation.id), confirmed: '' });
    expect(look.status).to.equal(200);
    expect(look.text).to.contain('核实通过 2 份报销申请');
    const go = await postForm(officer, '/batches/claim-verify', { ids: claims.map((c) => c.id).join(','), filter: `organisationId=${s.organisation.id}` });
    const batch = await finished(Number(/\/batches\/(\d+)$/.exec(go.headers.location)![1]));
    expect(batch.filter).to.equal(`organisationId=${s.organisation.id}`);
    for (const c of claims) expect((await Claim.findByPk(c.id))!.status).to.equal('verified');
    expect((await postForm(officer, '/batches/claim-approve', { ids: String(claims[0].id) })).status).to.equal(403);
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    expect((await postForm(org, '/batches/claim-verify', { ids: String(claims[0].id) })).status).to.equal(403);
    expect((await org.get(`/batches/${batch.id}`)).status).to.equal(403);
    expect((await anonymous().get(`/batches/${batch.id}`)).status).to.equal(302);
    // Nothing chosen: back to the queue with a notice.
    const none = await postForm(officer, '/batches/claim-verify', { ids: '' });
    expect(none.status).to.equal(303);
    expect(none.headers.location).to.equal('/claims/queue');
  });
});
