import { expect } from 'chai';
import { Organisation } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment } from '../factories/payments.js';
import { type Agent, csrf, loginAs } from '../support/agent.js';
import { internalCodesIn, mainTextOf } from '../support/internal-codes.js';

/** The addresses of the navigation (the menu's links, groups opened) a signed-in page offers. */
function navigationOf(html: string): string[] {
  const menu = /data-testid="main-menu-items"[\s\S]*?<\/ul>\s*<div/.exec(html)?.[0] ?? '';
  return [...new Set([...menu.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]))];
}

/** The text of a page's table bodies, tags removed. */
function tableBodiesOf(html: string): string {
  return [...html.matchAll(/<tbody[\s\S]*?<\/tbody>/g)].map((m) => m[0].replace(/<[^>]+>/g, ' ')).join('\n');
}

/** What a person reads on a page: its main text without the bodies of closed <details> (the audit trail's technical details, read only on purpose). */
const readText = (html: string) =>
  mainTextOf(html.replace(/(<details(?![^>]*\bopen)[^>]*>\s*<summary[\s\S]*?<\/summary>)[\s\S]*?<\/details>/g, '$1</details>'));

/** Whether the page is a list with the filter form every list takes (posted, so a typed number is held). */
const isList = (html: string) => html.includes('action="/lists/filter"');

async function signedIn(role: Role, attrs: Parameters<typeof buildUser>[1] = {}): Promise<Agent> {
  const { user, password } = await buildUser(role, { districtCode: role === 'admin' || role === 'inspector' || role === 'evaluator' ? 'SZ' : 'FT', ...attrs });
  return loginAs(user, password);
}

/**
 * Every list in each role's navigation, as a person reaches it (#13): a page past the last shows
 * the last, a phone number typed into the address is moved behind a token before anything is shown,
 * no filter asks for a numeric id, and an organisation's lists never repeat its own name on each row
 * nor offer a district or organisation filter.
 */
describe('every list in the navigation, for each role (#13)', () => {
  before(async () => {
    // A contract with an organisation, a claim and an evaluation in 福田, so lists have rows and choices.
    const setup = await buildClaimSetup();
    await buildClaim(setup, { status: 'submitted' });
    await buildEvaluation({ status: 'confirmed' });
  });

  for (const role of ['admin', 'officer', 'finance', 'evaluator', 'inspector'] as Role[]) {
    it(`as ${role}: past the last page goes to the last, a typed phone number is held, no numeric-id filter, English punctuation in English`, async () => {
      const agent = await signedIn(role);
      await agent
        .post('/lang')
        .type('form')
        .send({ lang: 'en', _csrf: await csrf(agent, '/') });
      const lists = navigationOf((await agent.get('/')).text);
      expect(lists.length, 'a navigation').to.be.greaterThan(3);
      let checked = 0;
      const findings: string[] = [];
      for (const href of lists) {
        const res = await agent.get(href);
        expect(res.status, href).to.equal(200);
        expect(res.text, `${href}: a value written as [object Object]`).to.not.contain('[object Object]');
        for (const f of internalCodesIn(readText(res.text), 'en')) findings.push(`${href}: ${f}`);
        // The forms the page offers to start ("new …"): their choices name records too.
        for (const m of res.text.matchAll(/<main[\s\S]*?href="(\/[a-z/-]+\/new)"/g)) {
          const form = await agent.get(m[1]);
          for (const f of internalCodesIn(readText(form.text), 'en')) findings.push(`${m[1]}: ${f}`);
        }
        if (!isList(res.text)) continue;
        checked += 1;
        expect(res.text, `${href}: a filter asks for a number as an id`).to.not.match(
          /<input[^>]*type="number"[^>]*name="\w*Id"|<input[^>]*name="\w*Id"[^>]*type="number"/,
        );
        const join = href.includes('?') ? '&' : '?';
        const past = await agent.get(`${href}${join}page=9999`);
        expect(past.status, `${href}?page=9999`).to.equal(303);
        expect(past.headers.location, href)
          .to.match(/[?&]page=\d+(&|$)/)
          .and.not.contain('page=9999');
        expect((await agent.get(past.headers.location)).status, past.headers.location).to.equal(200);
        const typed = await agent.get(`${href}${join}q=13812345678`);
        expect(typed.status, `${href}?q=<phone>`).to.equal(303);
        expect(typed.headers.location, href)
          .to.match(/held=[A-Za-z0-9_-]{22}/)
          .and.not.contain('13812345678');
      }
      expect(checked, `${role}: lists checked`).to.be.greaterThan(0);
      expect(findings, findings.join('\n')).to.deep.equal([]);
    });
  }

  it('as an organisation: its lists name neither itself on each row nor a district, and filter by neither', async () => {
    // One organisation with a contract of each kind of record: claims, a payment, deliverables, an evaluation.
    const setup = await buildClaimSetup();
    await buildClaim(setup, { status: 'submitted' });
    const evaluated = await buildEvaluation({ status: 'confirmed' });
    await evaluated.built.contract.update({ organisationId: setup.organisation.id });
    await evaluated.evaluation.update({ organisationId: setup.organisation.id });
    await buildPayment(evaluated.built, evaluated.built.instalments[0], { requester: evaluated.built.officer });
    await buildDeliverableContract({ orgUser: setup.orgUser });
    const organisation = (await Organisation.findByPk(setup.organisation.id))!;
    const agent = await loginAs(setup.orgUser, TEST_PASSWORD);
    const lists = navigationOf((await agent.get('/')).text);
    let checked = 0;
    let rows = 0;
    for (const href of lists) {
      const res = await agent.get(href).redirects(1);
      expect(res.status, href).to.equal(200);
      if (!isList(res.text)) continue;
      checked += 1;
      rows += (tableBodiesOf(res.text).match(/\S/g) ?? []).length ? 1 : 0;
      expect(tableBodiesOf(res.text), `${href} repeats the organisation's own name`).to.not.contain(organisation.name);
      // The catalogue is every district's published services, not the organisation's own records: its district filter chooses among them.
      const meaningless = href === '/catalogue' ? ['organisationId', 'organisationText'] : ['districtId', 'organisationId', 'organisationText'];
      for (const name of meaningless) expect(res.text, `${href}: a ${name} filter`).to.not.contain(`name="${name}"`);
    }
    expect(checked, 'lists checked').to.be.greaterThan(3);
    expect(rows, 'lists with rows').to.be.greaterThan(5);
  });
});
