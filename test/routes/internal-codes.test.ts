import { versionNow } from '../support/forms.js';
import { expect } from 'chai';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { buildCatalogueItem } from '../factories/catalogue.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildAllocation } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildRegisteredOrganisation } from '../factories/organisations.js';
import { buildWorker } from '../factories/workers.js';
import { type Agent, csrf, csrfFrom, loginAs } from '../support/agent.js';
import { internalCodesIn, mainTextOf } from '../support/internal-codes.js';

/**
 * No page a user can reach shows an internal code as text (#13): a record page of every kind —
 * contract with its targets, deliverable with its metrics, claim with its payment link, payment,
 * the printed claim and payment forms, evaluation and its printed report, allocation, budget
 * line, project, catalogue item, organisation, child worker — and the finance dashboard, read in
 * Chinese and in English, shows no metric key, no amount in fen, no raw path, and in English no
 * full-width punctuation after English text. (The browser walk of the navigation checks every
 * list and the first record it links to the same way.)
 */
describe('pages show no internal code as text', () => {
  it('a record page of every kind, in Chinese and in English', async function () {
    this.timeout(120_000);
    const built = await buildDeliverableContract({ targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 150 }] });
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const token = encodeURIComponent(csrfFrom((await org.get('/')).text));
    const saved = await org
      .post(`/deliverables/${d.id}/draft?_csrf=${token}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '30')
      .field('m_households', '25')
      .field('m_followUps', '5')
      .field('narrative', '第一季度探访');
    expect(saved.status).to.equal(302);
    expect(await DeliverableFile.count({ where: { deliverableId: d.id } })).to.equal(0);
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'approved' });
    const { evaluation } = await buildEvaluation({ status: 'confirmed', scores: [5_000, 6_000] });
    const allocation = await buildAllocation({ status: 'submitted' });
    const officer = (await buildUser('officer', { districtCode: 'SZ' })).user;
    const item = await buildCatalogueItem(officer, { status: 'published' });
    const organisation = await buildRegisteredOrganisation();
    const { worker } = await buildWorker();
    const finance = (await buildUser('finance', { districtCode: 'SZ' })).user;

    const pages: [string, string[]][] = [
      [
        'officer',
        [
          `/contracts/${built.contract.id}`,
          `/deliverables/${d.id}`,
          `/claims/${claim.id}`,
          `/claims/${claim.id}/form`,
          `/payments/${claim.paymentId}`,
          `/payments/contracts/${s.contract.id}`,
          `/evaluations/${evaluation.id}`,
          `/evaluations/${evaluation.id}/report`,
          `/projects/${built.contract.projectId}`,
          `/catalogue/${item.id}`,
          `/organisations/${organisation.id}`,
          `/workers/${worker.id}`,
        ],
      ],
      ['finance', [`/allocations/${allocation.id}`, `/budget-lines/${allocation.budgetLineId}`, `/payments/${claim.paymentId}/form`, '/finance?year=']],
      ['org', [`/contracts/${built.contract.id}`, `/deliverables/${d.id}`]],
    ];
    const agents: Record<string, Agent> = { officer: await loginAs(officer, TEST_PASSWORD), finance: await loginAs(finance, TEST_PASSWORD), org };
    const findings: string[] = [];
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [who, urls] of pages) {
        const agent = agents[who];
        await agent
          .post('/lang')
          .type('form')
          .send({ lang, _csrf: await csrf(agent, '/') });
        for (const url of urls) {
          const res = await agent.get(url);
          expect(res.status, `${who} ${url}`).to.equal(200);
          expect(res.text, `${who} ${url} in ${lang}`).to.contain(`<html lang="${lang}">`);
          for (const f of internalCodesIn(mainTextOf(res.text), lang)) findings.push(`${lang} ${who} ${url}: ${f}`);
        }
      }
    }
    expect(findings, findings.join('\n')).to.deep.equal([]);
  });

  it('catches what it looks for: a metric key, a fen field, a raw path, English with a full-width colon', () => {
    expect(internalCodesIn('探访次数 visits 30', 'zh-CN')).to.deep.equal(['metric key "visits"']);
    expect(internalCodesIn('Amount amountFen', 'en')).to.deep.equal(['fen field "amountFen"']);
    expect(internalCodesIn('拨付 /payments/12', 'zh-CN')).to.deep.equal(['raw path "/payments/12"']);
    expect(internalCodesIn('Consequence：none', 'en')).to.deep.equal(['full-width punctuation "e："']);
    expect(internalCodesIn('拨付 #12 · 福田（2026）', 'zh-CN')).to.deep.equal([]);
  });
});
