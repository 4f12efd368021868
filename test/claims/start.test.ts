import { expect } from 'chai';
import { Claim } from '../../models/Claim.js';
import { buildClaimSetup } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

/** Issue #12, defect 9: an organisation starts a claim from the claims page (contract and engaged worker, month), or is told why it cannot. */

describe('claims: starting a claim from the claims page (#12)', () => {
  it('the claims page leads to a form choosing the engaged worker (by contract) and the month; the claim is created on that contract', async () => {
    const s = await buildClaimSetup();
    const agent = await loginAs(s.orgUser, TEST_PASSWORD);
    const list = (await agent.get('/claims')).text;
    expect(list).to.match(/href="\/claims\/new"[^>]*data-testid="new-claim"/);
    const form = (await agent.get('/claims/new')).text;
    expect(form).to.include('data-testid="claim-start-form"');
    expect(form).to.match(new RegExp(`<optgroup label="${s.contract.number}[^"]*">\\s*<option value="${s.engagement.id}"`));
    expect(form).to.include(s.worker.name);
    expect(form).to.match(/id="f-month"[^>]*required/);

    const missing = await postForm(agent, '/claims', { engagementId: '', month: '2026-03' });
    expect(missing.status).to.equal(422);
    expect(fieldError(missing.text, 'engagementId')).to.not.equal(null);
    expect(missing.text).to.include('data-testid="claim-start-form"');
    const outside = await postForm(agent, '/claims', { engagementId: String(s.engagement.id), month: '2025-03' });
    expect(outside.status).to.equal(422);
    expect(fieldError(outside.text, 'month')).to.not.equal(null);
    expect(outside.text).to.match(new RegExp(`<option value="${s.engagement.id}"\\s*selected`));

    const ok = await postForm(agent, '/claims', { engagementId: String(s.engagement.id), month: '2026-03' });
    expect(ok.status).to.equal(302);
    const claim = (await Claim.findOne({ where: { engagementId: s.engagement.id } }))!;
    expect(claim).to.include({ contractId: s.contract.id, childWorkerId: s.worker.id, month: '2026-03', status: 'draft' });
    expect(ok.headers.location).to.equal(`/claims/${claim.id}`);
  });

  it('another organisation cannot start a claim on an engagement that is not its own', async () => {
    const s = await buildClaimSetup();
    const stranger = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    const res = await postForm(stranger, '/claims', { engagementId: String(s.engagement.id), month: '2026-03' });
    expect([404, 422]).to.include(res.status);
    expect(await Claim.count({ where: { engagementId: s.engagement.id } })).to.equal(0);
  });

  it('with no active contract, says so and who makes a contract active', async () => {
    const { organisation } = await buildContract();
    const { user } = await buildUser('org', { organisation });
    const page = (await (await loginAs(user, TEST_PASSWORD)).get('/claims/new')).text;
    expect(page).to.match(/data-testid="claim-start-blocked" data-reason="noActiveContract"/);
    expect(page).to.include('业务经办人');
    expect(page).not.to.include('data-testid="claim-start-form"');
  });

  it('with an active contract but nobody engaged, says to engage a trained worker there, and who registers and trains them', async () => {
    const s = await buildClaimSetup();
    await s.engagement.destroy();
    const page = (await (await loginAs(s.orgUser, TEST_PASSWORD)).get('/claims/new')).text;
    expect(page).to.match(/data-testid="claim-start-blocked" data-reason="noEngagement"/);
    expect(page).to.include(`href="/contracts/${s.contract.id}/engagements"`);
    expect(page).to.include('区业务经办人');
  });
});
