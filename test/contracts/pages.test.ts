import { expect } from 'chai';
import { Contract } from '../../models/Contract.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { AuditEvent, type Organisation, type User } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { setClock } from '../../server/clock.js';
import { CHOICE_LIMIT } from '../../server/presenters/choice-filters.js';
import { contractListWhere } from '../../server/presenters/contracts.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { LIST_COUNT_CAP } from '../../server/services/list-query.js';
import { buildContract } from '../factories/contracts.js';
import { buildFixtureDistrict } from '../factories/overview.js';
import { actorOf, buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { buildOrganisation, buildUser, unique } from '../factories/index.js';
import { pdfBytes } from '../factories/organisations.js';
import { buildProject } from '../factories/projects.js';
import { type Agent, anonymous, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { forgetCachedFigures } from '../../server/services/figure-cache.js';

async function signedIn(role: Role, districtCode?: string, organisation?: Organisation): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode, organisation });
  return { agent: await loginAs(user, password), user };
}

const fieldError = (html: string, name: string) => new RegExp(`id="f-${name}-error">([^<]*)<`).exec(html)?.[1] ?? null;
const totalOf = (html: string) => /data-testid="list-total">([^<]*)</.exec(html)?.[1].replace(/\s+/g, ' ').trim() ?? null;
/** The pagination link of `rel` (first, prev, next, last), as the browser follows it; null when it is disabled. */
const linkOf = (html: string, rel: string) => {
  const href = new RegExp(`href="([^"]*)" data-testid="page-[a-z]+" rel="${rel}"`).exec(html)?.[1];
  return href ? href.replace(/&amp;/g, '&') : null;
};
const listedIds = (html: string) => [...html.matchAll(/data-testid="contract-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));

function draftFields(attrs: Record<string, string> = {}): Record<string, string> {
  return {
    number: unique('SZHT-'),
    signedOn: '2026-01-05',
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    termJustification: '',
    reimbursementCeiling: '5000.00',
    announcementUrl: 'https://www.ccgp-shenzhen.gov.cn/notice/2',
    announcedOn: '2026-01-06',
    content: '家庭探访服务',
    quantity: '600 次',
    qualityStandard: '市级标准',
    priceTerms: '总价包干',
    settlementMethod: '分期支付',
    rightsObligations: '见合同',
    breachLiability: '违约赔偿',
    scheduleMode: 'percent',
    figure_0: '30',
    milestone_0: '签订后',
    figure_1: '70',
    milestone_1: '终期评价合格',
    category_0: 'home_visit',
    metric_0: 'visits',
    count_0: '600',
    ...attrs,
  };
}

describe('contracts: pages', () => {
  it('sends an anonymous visitor to sign in', async () => {
    const res = await anonymous().get('/contracts');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/\/login/);
  });

  it('creates a draft from an awarded project: 422 with the input kept for a long term or a schedule that does not sum, then the row and its audit event', async () => {
    const { agent, user } = await signedIn('officer');
    const { project } = await buildProject({ status: 'awarded', creator: user, budgetFen: 1_000_000 });
    expect((await agent.get(`/projects/${project.id}`)).text, 'the project page leads to the new contract').to.contain(
      `href="/contracts/new?projectId=${project.id}" data-testid="contract-link"`,
    );
    expect((await agent.get(`/contracts/new?projectId=${project.id}`)).status).to.equal(200);
    const long = await postForm(agent, `/contracts?projectId=${project.id}`, draftFields({ termEnd: '2027-01-31' }));
    expect(long.status).to.equal(422);
    expect(fieldError(long.text, 'termJustification')).to.equal('期限超过 12 个月，须填写书面理由。');
    expect(long.text).to.contain('value="2027-01-31"');
    const sum = await postForm(agent, `/contracts?projectId=${project.id}`, draftFields({ figure_1: '60' }));
    expect(sum.status).to.equal(422);
    expect(sum.text).to.contain('各期百分比之和必须等于 100%。');
    const fields = draftFields();
    const ok = await postForm(agent, `/contracts?projectId=${project.id}`, fields);
    expect(ok.status).to.equal(302);
    const contract = await Contract.findOne({ where: { number: fields.number } });
    expect(contract!.valueFen).to.equal(1_000_000);
    expect(await AuditEvent.count({ where: { action: 'contract.create', recordId: contract!.id } })).to.equal(1);
    const detail = await agent.get(`/contracts/${contract!.id}`);
    expect(detail.text).to.contain('data-testid="activate"');
    expect((await agent.get(`/projects/${project.id}`)).text, 'then to the draft').to.contain(`href="/contracts/${contract!.id}" data-testid="contract-link"`);
  });

  it('refuses activation naming what is missing (409), and finance or an inspector (403)', async () => {
    const { contract, officer } = await buildContract();
    const agent = await loginAs(officer, 'correct horse battery staple');
    const res = await postForm(agent, `/contracts/${contract.id}/activate`, {});
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('签署的合同文本及签订日期');
    expect(res.text).to.contain('覆盖合同金额的已批准资金安排');
    for (const role of ['finance', 'inspector'] as const) {
      const { agent: other } = await signedIn(role);
      expect((await postForm(other, `/contracts/${contract.id}/activate`, {})).status).to.equal(403);
    }
    const { agent: stranger } = await signedIn('officer', 'NS');
    expect((await postForm(stranger, `/contracts/${contract.id}/activate`, {})).status).to.equal(404);
  });

  it('amends an active contract into a new version and shows both; terminates with a reason, releasing the unpaid part', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const agent = await loginAs(officer, 'correct horse battery staple');
    expect((await agent.get(`/contracts/${contract.id}/amend`)).status).to.equal(200);
    const noReason = await postForm(agent, `/contracts/${contract.id}/amend`, {
      ...draftFields({ scheduleMode: 'amount', figure_0: '8000', figure_1: '', milestone_1: '' }),
      value: '8000.00',
      reason: '',
      _version: '0',
    });
    expect(noReason.status).to.equal(422);
    const ok = await postForm(agent, `/contracts/${contract.id}/amend`, {
      ...draftFields({ scheduleMode: 'amount', figure_0: '8000', figure_1: '', milestone_1: '' }),
      value: '8000.00',
      reason: '服务量调减',
      _version: '0',
    });
    expect(ok.status).to.equal(302);
    expect(await ContractVersion.count({ where: { contractId: contract.id } })).to.equal(2);
    const page = await agent.get(`/contracts/${contract.id}`);
    expect(page.text.match(/data-testid="version"/g)).to.have.length(2);
    expect(page.text).to.contain('服务量调减');
    expect(await balance('contract_committed', contract.id)).to.equal(800_000 + 500_000);
    const bad = await postForm(agent, `/contracts/${contract.id}/terminate`, { reason: '' });
    expect(bad.status).to.equal(422);
    const end = await postForm(agent, `/contracts/${contract.id}/terminate`, { reason: '机构无法履约' });
    expect(end.status).to.equal(302);
    expect(await balance('contract_committed', contract.id)).to.equal(0);
    expect((await postForm(agent, `/contracts/${contract.id}/terminate`, { reason: '再次' })).status).to.equal(409);
    expect(await AuditEvent.count({ where: { action: 'contract.terminate', recordId: contract.id } })).to.equal(1);
  });

  it('links an active contract to its instalments and payments; a draft has none yet', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const agent = await loginAs(officer, 'correct horse battery staple');
    const page = await agent.get(`/contracts/${contract.id}`);
    expect(page.text).to.contain(`href="/payments/contracts/${contract.id}" data-testid="payments-link"`);
    expect((await agent.get(`/payments/contracts/${contract.id}`)).status).to.equal(200);
    const draft = await buildContract({ officer });
    expect((await agent.get(`/contracts/${draft.contract.id}`)).text).to.not.contain('data-testid="payments-link"');
  });

  it("shows an organisation user its own contracts only, read-only; another organisation's answers 404", async () => {
    const mine = await buildContract();
    const theirs = await buildContract();
    const { agent } = await signedIn('org', 'FT', mine.organisation);
    const list = await agent.get(`/contracts?organisationId=${mine.organisation.id}`);
    expect(listedIds(list.text)).to.deep.equal([mine.contract.id]);
    const all = await agent.get('/contracts?perPage=100');
    expect(listedIds(all.text)).to.not.include(theirs.contract.id);
    const detail = await agent.get(`/contracts/${mine.contract.id}`);
    expect(detail.status).to.equal(200);
    expect(detail.text).to.not.contain('data-testid="activate"');
    expect((await agent.get(`/contracts/${theirs.contract.id}`)).status).to.equal(404);
    expect((await postForm(agent, `/contracts/${mine.contract.id}/activate`, {})).status).to.equal(403);
    const { agent: finance } = await signedIn('finance');
    expect((await finance.get(`/contracts/${mine.contract.id}`)).status).to.equal(200);
    const { agent: otherFinance } = await signedIn('finance', 'NS');
    expect((await otherFinance.get(`/contracts/${mine.contract.id}`)).status).to.equal(404);
  });

  it('exports exactly the filtered contracts, audited', async () => {
    const { contract, organisation } = await buildContract();
    const { agent } = await signedIn('inspector');
    const res = await agent.get(`/contracts?organisationId=${organisation.id}&format=csv`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(contract.number);
    expect(res.text.trim().split('\n')).to.have.length(2);
    expect(await AuditEvent.count({ where: { action: 'contract.export' } })).to.be.greaterThan(0);
  });

  it('reads a page with the same number of queries for 5 rows as for 50', async () => {
    const officer = (await buildUser('officer')).user;
    const few = await buildOrganisation({ districtCode: 'FT' });
    const many = await buildOrganisation({ districtCode: 'FT' });
    for (let i = 0; i < 5; i += 1) await buildContract({ organisation: few, officer });
    for (let i = 0; i < 50; i += 1) await buildContract({ organisation: many, officer });
    const { agent } = await signedIn('officer', 'SZ');
    const sequelize = testSequelize();
    const countQueries = async (organisationId: number, rows: number) => {
      forgetCachedFigures(); // every read counted afresh: the figures a write would make it compute (services/figure-cache.ts)
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-contract-queries', () => {
        n += 1;
      });
      try {
        const res = await agent.get(`/contracts?organisationId=${organisationId}&perPage=50&sort=value`);
        expect(res.status).to.equal(200);
        expect(listedIds(res.text)).to.have.length(rows);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-contract-queries');
      }
      return n;
    };
    expect(await countQueries(many.id, 50)).to.equal(await countQueries(few.id, 5));
  });

  it('lists on a deep page the rows its order puts there, with as many statements as on the first (#15)', async () => {
    const officer = (await buildUser('officer')).user;
    const organisation = await buildOrganisation({ districtCode: 'FT' });
    for (let i = 0; i < 23; i += 1) await buildContract({ organisation, officer });
    // Equal values on purpose: the order's last key (the id) decides between them.
    await Contract.update({ valueFen: 100_000 }, { where: { organisationId: organisation.id } });
    const { agent } = await signedIn('officer', 'SZ');
    const sequelize = testSequelize();
    const expected = (
      await Contract.findAll({
        where: { organisationId: organisation.id },
        order: [
          ['valueFen', 'ASC'],
          ['id', 'DESC'],
        ],
      })
    ).map((c) => c.id);
    const pageOf = async (page: number) => {
      forgetCachedFigures(); // every read counted afresh: the figures a write would make it compute (services/figure-cache.ts)
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-deep-page', () => {
        n += 1;
      });
      try {
        const res = await agent.get(`/contracts?organisationId=${organisation.id}&perPage=10&sort=value&dir=asc&page=${page}`);
        expect(res.status).to.equal(200);
        return { ids: listedIds(res.text), statements: n };
      } finally {
        sequelize.removeHook('beforeQuery', 'count-deep-page');
      }
    };
    const pages = [await pageOf(1), await pageOf(2), await pageOf(3)];
    expect(pages.map((p) => p.ids)).to.deep.equal([expected.slice(0, 10), expected.slice(10, 20), expected.slice(20)]);
    expect(pages[2].statements).to.equal(pages[0].statements);
  });

  it('counts a list only up to its cap: past it the page says "more than" and pages on by cursor; the last page is the reversed order\'s first (#15)', async () => {
    // A district of its own: other tests of the worker choose among 福田's contracts by name, which 22 more would turn into a search.
    const { district, officer } = await buildFixtureDistrict(0);
    const organisation = await buildOrganisation({ districtCode: district.code });
    for (let i = 0; i < 22; i += 1) await buildContract({ organisation, officer, districtCode: district.code });
    const { agent } = await signedIn('officer', 'SZ');
    const kept = LIST_COUNT_CAP.rows;
    LIST_COUNT_CAP.rows = 5;
    const base = `/contracts?organisationId=${organisation.id}&perPage=10`;
    const numbered = (page: number) => agent.get(`${base}&page=${page}`);
    const follow = (html: string, rel: string) => {
      const href = linkOf(html, rel);
      expect(href, `a ${rel} link`).to.be.a('string');
      return agent.get(href as string);
    };
    try {
      const first = await numbered(1);
      expect(first.status).to.equal(200);
      expect(listedIds(first.text)).to.have.length(10);
      // Counted to the page's end and one more (10 + 1 of 22): more than 10, page 1, a next page.
      expect(totalOf(first.text)).to.equal('超过 10 条 · 第 1 页');
      expect(linkOf(first.text, 'prev')).to.equal(null);
      // "next" continues after the page's last row, with the filter, size and sort kept and no page number.
      expect(linkOf(first.text, 'next')).to.match(
        new RegExp(`^/contracts\\?perPage=10&sort=updatedAt&dir=desc&organisationId=${organisation.id}&after=[A-Za-z0-9_-]+$`),
      );
      const second = await follow(first.text, 'next');
      expect(listedIds(second.text)).to.have.length(10);
      // A cursor page is counted to the cap alone: it says less, never something wrong.
      expect(totalOf(second.text)).to.equal('超过 5 条 · 第 2 页');
      const third = await follow(second.text, 'next');
      expect(listedIds(third.text)).to.have.length(2);
      expect(totalOf(third.text)).to.equal('超过 5 条 · 第 3 页');
      expect(linkOf(third.text, 'next')).to.equal(null);
      expect(linkOf(third.text, 'last')).to.equal(null);
      const walked = [first, second, third].flatMap((r) => listedIds(r.text));
      expect(new Set(walked).size).to.equal(22);
      // Back by "previous" from page 3 shows page 2 again; from page 2 the first page is the list's address.
      expect(listedIds((await follow(third.text, 'prev')).text)).to.deep.equal(listedIds(second.text));
      expect(linkOf(second.text, 'prev')).to.equal(`/contracts?perPage=10&sort=updatedAt&dir=desc&organisationId=${organisation.id}`);
      // "Last": the reversed order's first page, whose number past the cap is not known.
      const last = await follow(first.text, 'last');
      expect(listedIds(last.text)).to.deep.equal(walked.slice(12));
      expect(totalOf(last.text)).to.equal('超过 5 条 · 最后一页');
      const before = await follow(last.text, 'prev');
      expect(listedIds(before.text)).to.deep.equal(walked.slice(2, 12));
      expect(totalOf(before.text)).to.equal('超过 5 条');
      const start = await follow(before.text, 'prev');
      expect(listedIds(start.text), 'walking back sees every row once').to.deep.equal(walked.slice(0, 2));
      expect(totalOf(start.text)).to.equal('超过 5 条 · 第 1 页');
      expect(linkOf(start.text, 'prev')).to.equal(null);
      // A numbered page still reads by its number; past the last it is sent to the last.
      expect(listedIds((await numbered(2)).text)).to.deep.equal(walked.slice(10, 20));
      const beyond = await numbered(4);
      expect(beyond.status).to.equal(303);
      expect(beyond.headers.location).to.include('page=3');
      // Under the cap the count is exact, and "last" is the numbered last page.
      LIST_COUNT_CAP.rows = 100;
      const counted = await numbered(1);
      expect(totalOf(counted.text)).to.equal('共 22 条 · 第 1 / 3 页');
      expect(linkOf(counted.text, 'last')).to.equal(`/contracts?page=3&perPage=10&sort=updatedAt&dir=desc&organisationId=${organisation.id}`);
      expect(totalOf((await follow(counted.text, 'next')).text)).to.equal('共 22 条 · 第 2 / 3 页');
    } finally {
      LIST_COUNT_CAP.rows = kept;
    }
  });

  it("pages by cursor through ties of the sort column with a filter as the numbered pages do; a sort link starts again at page 1; a tampered cursor is a 400 in the reader's language (#15)", async () => {
    const { district, officer } = await buildFixtureDistrict(0);
    const organisation = await buildOrganisation({ districtCode: district.code });
    // Three values of the contract value, seven contracts each: every page boundary falls inside a tie.
    for (let i = 0; i < 21; i += 1) await buildContract({ organisation, officer, districtCode: district.code, valueFen: 100_000 * ((i % 3) + 1) });
    const { agent } = await signedIn('officer', 'SZ');
    for (const dir of ['asc', 'desc']) {
      const base = `/contracts?organisationId=${organisation.id}&sort=value&dir=${dir}&perPage=10`;
      const numbered = [1, 2, 3].map(async (p) => listedIds((await agent.get(`${base}&page=${p}`)).text));
      const expected = (await Promise.all(numbered)).flat();
      expect(new Set(expected).size).to.equal(21);
      const walked: number[] = [];
      let res = await agent.get(base);
      walked.push(...listedIds(res.text));
      for (let href = linkOf(res.text, 'next'); href; href = linkOf(res.text, 'next')) {
        res = await agent.get(href);
        expect(res.status).to.equal(200);
        walked.push(...listedIds(res.text));
      }
      expect(walked, `sorted by value ${dir}`).to.deep.equal(expected);
      const back: number[][] = [listedIds(res.text)];
      for (let href = linkOf(res.text, 'prev'); href; href = linkOf(res.text, 'prev')) {
        res = await agent.get(href);
        back.unshift(listedIds(res.text));
      }
      expect(back.flat(), `back by value ${dir}`).to.deep.equal(expected);
    }
    const page2 = await agent.get(linkOf((await agent.get(`/contracts?organisationId=${organisation.id}&sort=value&perPage=10`)).text, 'next') as string);
    // The sort links and the export start from the first page: no cursor is carried into them.
    const sortLinks = [...page2.text.matchAll(/href="(\/contracts\?page=1&[^"]*)"/g)].map((m) => m[1]);
    expect(sortLinks.length).to.be.greaterThan(0);
    for (const href of sortLinks) expect(href).to.not.match(/after=|before=|last=/);
    const after = new URL(`http://x${linkOf(page2.text, 'next')}`).searchParams.get('after') as string;
    const bad = await agent.get(`/contracts?organisationId=${organisation.id}&sort=value&perPage=10&after=${after.slice(0, -3)}xyz`);
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('这个翻页链接无法使用');
    // A cursor of another sort (the link of the value order, sent with the default order) is refused alike.
    const foreign = await agent.get(`/contracts?organisationId=${organisation.id}&perPage=10&after=${after}`);
    expect(foreign.status).to.equal(400);
  });
});

describe('contracts: documents and activation through the pages', () => {
  it('attaches the signed file and the notice as PDFs, refuses another type, then activates and commits the value', async () => {
    const { contract, officer, project } = await buildContract({ terms: { announcementUrl: null } });
    const agent = await loginAs(officer, 'correct horse battery staple');
    const token = csrfFrom((await agent.get(`/contracts/${contract.id}`)).text);
    const wrong = await agent
      .post(`/contracts/${contract.id}/documents/signed?_csrf=${encodeURIComponent(token)}`)
      .attach('file', Buffer.from('not a pdf'), '合同.pdf');
    expect(wrong.status).to.equal(422);
    for (const which of ['signed', 'announcement']) {
      const res = await agent
        .post(`/contracts/${contract.id}/documents/${which}?_csrf=${encodeURIComponent(token)}`)
        .attach('file', pdfBytes(which), `${which}.pdf`);
      expect(res.status).to.equal(302);
    }
    const again = (await Contract.findByPk(contract.id))!;
    expect(again.signedFileId).to.be.a('number');
    expect(again.announcementFileId).to.be.a('number');
    expect((await agent.get(`/contracts/${contract.id}/documents/signed`)).status).to.equal(200);
    const { agent: stranger } = await signedIn('officer', 'NS');
    expect((await stranger.get(`/contracts/${contract.id}/documents/signed`)).status).to.equal(404);
    const line = await buildBudgetLine({ year: project.year });
    await buildAllocation({ status: 'approved', line, project, amountFen: contract.valueFen + contract.reimbursementCeilingFen });
    const activated = await postForm(agent, `/contracts/${contract.id}/activate`, {});
    expect(activated.status).to.equal(302);
    expect(await balance('contract_committed', contract.id)).to.equal(contract.valueFen + contract.reimbursementCeilingFen);
    expect(await AuditEvent.count({ where: { action: 'contract.activate', recordId: contract.id } })).to.equal(1);
    const page = await agent.get(`/contracts/${contract.id}`);
    expect(page.text).to.not.contain('data-testid="document-form-signed"');
    expect((await verifyLedger()).ok).to.equal(true);
  });
});

describe('contracts: the "ending within 60 days" filter', () => {
  afterEach(() => setClock(null));

  it('counts the 60 days from the Beijing day, also in the first hours of it (00:30 Beijing is 16:30 UTC of the day before)', async () => {
    const organisation = await buildOrganisation({ districtCode: 'FT' });
    const officer = (await buildUser('officer')).user;
    const ending = async (termEnd: string) => {
      const { contract } = await buildContract({ organisation, officer });
      await contract.update({ status: 'active', termEnd });
      return contract.id;
    };
    const endedYesterday = await ending('2026-06-14');
    const endsToday = await ending('2026-06-15');
    const endsIn60Days = await ending('2026-08-14');
    const endsIn61Days = await ending('2026-08-15');
    setClock(new Date('2026-06-14T16:30:00Z'));
    const inspector = (await buildUser('inspector', { districtCode: 'FT' })).user;
    const listed = await Contract.findAll({
      where: contractListWhere(actorOf(inspector), {
        year: undefined,
        districtId: undefined,
        status: undefined,
        organisationText: undefined,
        organisationId: organisation.id,
        ending: '60',
      }),
      attributes: ['id'],
    });
    const ids = listed.map((c) => c.id);
    expect(ids).to.include.members([endsToday, endsIn60Days]);
    expect(ids).not.to.include(endedYesterday);
    expect(ids).not.to.include(endsIn61Days);
  });

  it('finds contracts by part of an organisation’s name when there are too many organisations to list, and shows one chosen by a link by its name (#13)', async () => {
    const tag = unique('机构');
    // More organisations in the district than a list of choices holds.
    for (let n = 0; n < CHOICE_LIMIT + 1; n += 1) await buildOrganisation({ districtCode: 'LG', name: `${tag}${n}号` });
    const wanted = await buildOrganisation({ districtCode: 'LG', name: `${tag}阳光` });
    const { contract } = await buildContract({ districtCode: 'LG', organisation: wanted });
    const { agent } = await signedIn('officer', 'LG');
    const page = (await agent.get('/contracts')).text;
    expect(page).to.match(/<input[^>]*name="organisationText"[^>]*type="search"/);
    expect(page).to.not.match(/name="organisationId"/);
    const posted = await postForm(agent, '/lists/filter', { _list: '/contracts', organisationText: `${tag}阳光` }, '/contracts');
    expect(posted.headers.location).to.equal(`/contracts?organisationText=${encodeURIComponent(`${tag}阳光`)}`);
    const found = (await agent.get(posted.headers.location)).text;
    expect([...found.matchAll(/data-testid="contract-row" data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal([contract.id]);
    expect(found).to.contain(`value="${tag}阳光"`);
    const linked = (await agent.get(`/contracts?organisationId=${wanted.id}`)).text;
    expect(linked).to.contain('data-testid="chosen-organisationId"').and.contain(`已选：${tag}阳光`);
    // The export takes the same search.
    const csv = await agent.get(`/contracts?organisationText=${encodeURIComponent(`${tag}阳光`)}&format=csv`);
    expect(
      csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).to.have.length(2);
    // Someone else's organisation chosen by a link is not named.
    const other = await buildOrganisation({ districtCode: 'FT', name: `${tag}福田` });
    expect((await agent.get(`/contracts?organisationId=${other.id}`)).text).to.not.contain(`${tag}福田`);
  });
});
