import { expect } from 'chai';
import { deliverableDraftSaver } from '../../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableAccepter } from '../../server/commands/deliverables/deliverableReviews.js';
import { deliverableSubmitter } from '../../server/commands/deliverables/deliverableSubmitter.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildContract } from '../factories/contracts.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { actorOf } from '../factories/finance.js';
import { buildOrganisation, buildUser, TEST_PASSWORD } from '../factories/index.js';
import { loginAs } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

/** Issue #12, defect 7: the organisation's page lists its real contracts, scoped, with status, value, term and progress. */

const listed = (html: string) => [...html.matchAll(/data-testid="organisation-contract" data-id="(\d+)"/g)].map((m) => Number(m[1]));

describe('organisations: the contracts section (#12)', () => {
  it('shows the organisation its contracts with status, value, term and progress against the targets; nobody else’s', async () => {
    const active = await buildDeliverableContract();
    const { organisation, orgUser } = active;
    const draft = await buildContract({ organisation, valueFen: 1_234_500 });
    const other = await buildContract();
    const [d] = active.deliverables;
    const org = { actor: actorOf(orgUser) };
    await deliverableDraftSaver(
      d.id,
      { metrics: { visits: 30, households: 25, followUps: 5 }, narrative: null, purpose: 'report', removeFileIds: [] },
      [],
      org,
    );
    await deliverableSubmitter(d.id, { confirmNoChildData: false }, storeFor(testConfig()), org);
    await deliverableAccepter(d.id, {}, { actor: actorOf(active.officer) });

    const agent = await loginAs(orgUser, TEST_PASSWORD);
    const page = (await agent.get(`/organisations/${organisation.id}`)).text;
    expect(page).not.to.include('data-testid="no-contracts"');
    expect(listed(page).sort()).to.deep.equal([active.contract.id, draft.contract.id].sort());
    expect(listed(page)).not.to.include(other.contract.id);
    const card = page.slice(page.indexOf(`data-id="${active.contract.id}"`));
    expect(card).to.include(active.contract.number);
    expect(card).to.match(/data-testid="contract-status">履行中</);
    expect(card).to.include('¥30,000.00');
    expect(card).to.include('2026-01-01 – 2026-12-31');
    expect(card).to.match(/家庭探访 · 探访次数<\/span><span class="mono" data-testid="contract-progress-figures">30 \/ 600 \(5 %\)/);
    const draftCard = page.slice(page.indexOf(`data-id="${draft.contract.id}"`));
    expect(draftCard).to.match(/data-testid="contract-status">草稿</);
    expect(draftCard).to.include('¥12,345.00');

    // The officer of the contracts' district sees them; one of another district does not.
    const officer = await loginAs(active.officer, TEST_PASSWORD);
    expect(listed((await officer.get(`/organisations/${organisation.id}`)).text).sort()).to.deep.equal([active.contract.id, draft.contract.id].sort());
    const ns = await loginAs((await buildUser('officer', { districtCode: 'NS' })).user, TEST_PASSWORD);
    const nsPage = await ns.get(`/organisations/${organisation.id}`);
    if (nsPage.status === 200) expect(listed(nsPage.text)).to.deep.equal([]);
  });

  it('without contracts says who makes them; the officer gets the way to the awarded projects', async () => {
    const organisation = await buildOrganisation();
    const { user } = await buildUser('org', { organisation });
    const page = (await (await loginAs(user, TEST_PASSWORD)).get(`/organisations/${organisation.id}`)).text;
    expect(page).to.match(/data-testid="no-contracts">暂无合同。合同由购买主体的业务经办人/);
    const officer = await loginAs((await buildUser('officer')).user, TEST_PASSWORD);
    const officerPage = (await officer.get(`/organisations/${organisation.id}`)).text;
    expect(officerPage).to.include('href="/projects?status=awarded"');
  });
});
