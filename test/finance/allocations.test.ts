import { expect } from 'chai';
import { Project } from '../../models/Project.js';
import { Op } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { AuditEvent, type User } from '../../models/index.js';
import { LedgerEntry } from '../../models/LedgerEntry.js';
import type { Role } from '../../models/User.js';
import { allocationApprover } from '../../server/commands/finance/allocationApprover.js';
import { allocationRejecter } from '../../server/commands/finance/allocationRejecter.js';
import { allocationReleaser } from '../../server/commands/finance/allocationReleaser.js';
import { allocationSubmitter } from '../../server/commands/finance/allocationSubmitter.js';
import { ConflictError, ForbiddenError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { actorOf, buildAllocation, buildBudgetLine, buildFinanceProject } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { type Agent, anonymous, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { forgetCachedFigures } from '../../server/services/figure-cache.js';

async function signedIn(role: Role, districtCode = 'FT'): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

const by = (user: User, cityLevel = false) => ({ actor: actorOf(user, cityLevel) });
const statusOf = async (id: number) => (await Allocation.findByPk(id))!.status;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('allocations', () => {
  describe('the transition table', () => {
    it('allows draft → submitted → approved → released and submitted → rejected', async () => {
      const officer = (await buildUser('officer')).user;
      const finance = (await buildUser('finance')).user;
      const draft = await buildAllocation({ requester: officer });
      expect((await allocationSubmitter(draft.id, by(officer))).status).to.equal('submitted');
      expect((await allocationApprover(draft.id, by(finance))).status).to.equal('approved');
      expect((await allocationReleaser(draft.id, by(finance))).status).to.equal('released');
      const other = await buildAllocation({ status: 'submitted' });
      const rejected = await allocationRejecter(other.id, '与项目无关', by(finance));
      expect(rejected.status).to.equal('rejected');
      expect(rejected.decisionReason).to.equal('与项目无关');
    });

    const refused: [string, string[]][] = [
      ['submit', ['submitted', 'approved', 'rejected', 'released']],
      ['approve', ['draft', 'approved', 'rejected', 'released']],
      ['reject', ['draft', 'approved', 'rejected', 'released']],
      ['release', ['draft', 'submitted', 'rejected', 'released']],
    ];
    for (const [action, states] of refused) {
      it(`refuses to ${action} from ${states.join(', ')} with 409, changing nothing`, async () => {
        const finance = (await buildUser('finance')).user;
        for (const status of states) {
          const officer = (await buildUser('officer')).user;
          const a = await buildAllocation({ status: status as Allocation['status'], requester: officer });
          const entries = await LedgerEntry.count();
          const run = {
            submit: () => allocationSubmitter(a.id, by(officer)),
            approve: () => allocationApprover(a.id, by(finance)),
            reject: () => allocationRejecter(a.id, '不符合', by(finance)),
            release: () => allocationReleaser(a.id, by(finance)),
          }[action]!;
          const err = await errorOf(run());
          expect(err, `${action} from ${status}`).to.be.instanceOf(ConflictError);
          expect(await statusOf(a.id)).to.equal(status);
          expect(await LedgerEntry.count()).to.equal(entries);
        }
      });
    }

    it('answers 409 on the page for a refused move', async () => {
      const { agent } = await signedIn('finance');
      const a = await buildAllocation({ status: 'approved' });
      const res = await postForm(agent, `/allocations/${a.id}/approve`, {});
      expect(res.status).to.equal(409);
    });
  });

  describe('approval', () => {
    it('moves the amount from the line into the allocation, with an audit event (page)', async () => {
      const line = await buildBudgetLine({ amountFen: 500_000 });
      const a = await buildAllocation({ line, status: 'submitted', amountFen: 200_000 });
      const { agent } = await signedIn('finance');
      const form = await agent.get(`/allocations/${a.id}`);
      expect(form.text).to.contain('data-testid="approve"').and.to.contain('data-testid="reject"');
      expect(form.text, 'a pending allocation holds nothing yet, and says so instead of ¥0.00').to.match(/data-testid="held">—（批准后划入）</);
      expect(form.text, 'nor has it released anything').to.match(/data-testid="released">—</);
      const res = await postForm(agent, `/allocations/${a.id}/approve`, { reason: '符合年度安排' });
      expect(res.status).to.equal(302);
      expect(await statusOf(a.id)).to.equal('approved');
      expect((await Allocation.findByPk(a.id))!.decisionReason).to.equal('符合年度安排');
      expect(await balance('line_available', line.id)).to.equal(300_000);
      expect(await balance('allocation', a.id)).to.equal(200_000);
      expect(await AuditEvent.count({ where: { action: 'allocation.approve', recordId: String(a.id) } })).to.equal(1);
      const page = await agent.get(`/budget-lines/${line.id}`);
      const project = (await Project.findByPk(a.projectId))!.title;
      expect(page.text, 'the notice (the next page shows it) names the project and amount').to.contain(`项目“${project}”的资金安排（¥2,000.00）已批准。`);
      expect(page.text).to.contain('¥3,000.00').and.to.contain('¥2,000.00');
      expect(page.text).to.contain(`/allocations?budgetLineId=${line.id}`);
      const detail = await agent.get(`/allocations/${a.id}`);
      expect(detail.text)
        .to.match(/data-testid="line-available">¥3,000.00</)
        .and.to.match(/data-testid="held">¥2,000.00</);
      const ofLine = await agent.get(`/allocations?budgetLineId=${line.id}`);
      expect(ofLine.text).to.contain(`data-id="${a.id}"`).and.to.contain(`name="budgetLineId" value="${line.id}"`);
    });

    it('refuses an amount above the available balance with 409 naming it', async () => {
      const line = await buildBudgetLine({ amountFen: 100_000 });
      await buildAllocation({ line, status: 'approved', amountFen: 60_000 });
      const a = await buildAllocation({ line, status: 'submitted', amountFen: 50_000 });
      const { agent } = await signedIn('finance');
      const res = await postForm(agent, `/allocations/${a.id}/approve`, {});
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('¥400.00');
      expect(await statusOf(a.id)).to.equal('submitted');
    });

    it('never lets whoever requested decide: 403 on the page and in the command', async () => {
      const { agent, user } = await signedIn('finance');
      const a = await buildAllocation({ status: 'submitted', requester: user });
      expect((await postForm(agent, `/allocations/${a.id}/approve`, {})).status).to.equal(403);
      expect((await postForm(agent, `/allocations/${a.id}/reject`, { reason: '自批' })).status).to.equal(403);
      expect(await errorOf(allocationApprover(a.id, by(user)))).to.be.instanceOf(ForbiddenError);
      expect(await errorOf(allocationRejecter(a.id, '自批', by(user)))).to.be.instanceOf(ForbiddenError);
      expect(await statusOf(a.id)).to.equal('submitted');
    });

    it('a failure injected in the middle leaves nothing changed', async () => {
      const line = await buildBudgetLine({ amountFen: 100_000 });
      const a = await buildAllocation({ line, status: 'submitted', amountFen: 10_000 });
      const finance = (await buildUser('finance')).user;
      const entries = await LedgerEntry.count();
      const events = await AuditEvent.count();
      const err = await errorOf(
        allocationApprover(a.id, by(finance), {
          afterLedger: async () => {
            throw new Error('injected failure');
          },
        }),
      );
      expect((err as Error).message).to.equal('injected failure');
      expect(await statusOf(a.id)).to.equal('submitted');
      expect(await LedgerEntry.count()).to.equal(entries);
      expect(await AuditEvent.count()).to.equal(events);
      expect(await balance('line_available', line.id)).to.equal(100_000);
      expect((await allocationApprover(a.id, by(finance))).status).to.equal('approved');
    });

    it('rejection needs a reason (422 kept beside the field)', async () => {
      const a = await buildAllocation({ status: 'submitted' });
      const { agent } = await signedIn('finance');
      const res = await postForm(agent, `/allocations/${a.id}/reject`, { reason: '  ' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('id="f-reason-error"');
      expect(await statusOf(a.id)).to.equal('submitted');
    });
  });

  describe('release', () => {
    it('returns the unspent money to the line and records it', async () => {
      const line = await buildBudgetLine({ amountFen: 100_000 });
      const a = await buildAllocation({ line, status: 'approved', amountFen: 40_000 });
      expect(await balance('line_available', line.id)).to.equal(60_000);
      const { agent } = await signedIn('finance');
      expect((await postForm(agent, `/allocations/${a.id}/release`, {})).status).to.equal(302);
      const after = (await Allocation.findByPk(a.id))!;
      expect(after.status).to.equal('released');
      expect(after.releasedFen).to.equal(40_000);
      expect(await balance('allocation', a.id)).to.equal(0);
      expect(await balance('line_available', line.id)).to.equal(100_000);
      expect((await verifyLedger()).ok).to.equal(true);
    });
  });

  describe('requests', () => {
    it('an officer requests a draft from a line of the district and submits it', async () => {
      const { agent, user } = await signedIn('officer');
      const line = await buildBudgetLine();
      const project = await buildFinanceProject({ year: line.year });
      expect((await agent.get('/allocations/new')).status).to.equal(200);
      const res = await postForm(agent, '/allocations', {
        budgetLineId: String(line.id),
        projectId: String(project.id),
        amount: '1234.56',
        purpose: '购买家庭探访服务',
        funds: 'service_purchase',
      });
      expect(res.status).to.equal(302);
      const a = (await Allocation.findOne({ where: { projectId: project.id } }))!;
      expect(a.amountFen).to.equal(123_456);
      expect(a.status).to.equal('draft');
      expect(a.requestedBy).to.equal(user.id);
      expect((await agent.get(`/allocations/${a.id}`)).text).to.contain(`项目“${project.title}”的资金安排（¥1,234.56）已保存为草稿。`);
      expect((await postForm(agent, `/allocations/${a.id}/submit`, {})).status).to.equal(302);
      expect(await statusOf(a.id)).to.equal('submitted');
      expect(await AuditEvent.count({ where: { action: { [Op.in]: ['allocation.create', 'allocation.submit'] }, recordId: String(a.id) } })).to.equal(2);
    });

    it('the requester edits a draft (others 403, a submitted one 409, bad input 422 kept)', async () => {
      const { agent, user } = await signedIn('officer');
      const a = await buildAllocation({ requester: user });
      const fields = {
        budgetLineId: String(a.budgetLineId),
        projectId: String(a.projectId),
        purpose: '改为心理服务',
        funds: 'service_purchase',
        _version: '0',
      };
      expect((await agent.get(`/allocations/${a.id}/edit`)).status).to.equal(200);
      const bad = await postForm(agent, `/allocations/${a.id}`, { ...fields, amount: '12.345' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('id="f-amount-error"').and.to.contain('改为心理服务');
      expect((await postForm(agent, `/allocations/${a.id}`, { ...fields, amount: '99.99' })).status).to.equal(302);
      const after = (await Allocation.findByPk(a.id))!;
      expect(after.amountFen).to.equal(9_999);
      expect(after.purpose).to.equal('改为心理服务');
      expect(await AuditEvent.count({ where: { action: 'allocation.update', recordId: String(a.id) } })).to.equal(1);
      const other = await signedIn('officer');
      expect((await postForm(other.agent, `/allocations/${a.id}`, { ...fields, amount: '1' })).status).to.equal(403);
      await allocationSubmitter(a.id, by(user));
      expect((await postForm(agent, `/allocations/${a.id}`, { ...fields, amount: '1', _version: '1' })).status).to.equal(409);
      expect((await Allocation.findByPk(a.id))!.amountFen).to.equal(9_999);
    });

    it('lottery money may not fund basic running costs: 422 beside the field, input kept', async () => {
      const { agent } = await signedIn('officer');
      const line = await buildBudgetLine({ fundSource: 'welfare_lottery_fund' });
      const project = await buildFinanceProject({ year: line.year });
      const res = await postForm(agent, '/allocations', {
        budgetLineId: String(line.id),
        projectId: String(project.id),
        amount: '500',
        purpose: '办公场地租金',
        funds: 'basic_running_costs',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('id="f-funds-error"').and.to.contain('办公场地租金');
      expect(await Allocation.count({ where: { projectId: project.id } })).to.equal(0);
    });

    it('refuses a line of another district, a line of another year, and a project outside the scope (422)', async () => {
      const { agent } = await signedIn('officer');
      const nsLine = await buildBudgetLine({ districtCode: 'NS' });
      const ftLine = await buildBudgetLine();
      const project = await buildFinanceProject({ year: ftLine.year });
      const nsProject = await buildFinanceProject({ year: nsLine.year, districtCode: 'NS' });
      const form = (line: number, proj: number) => ({
        budgetLineId: String(line),
        projectId: String(proj),
        amount: '10',
        purpose: '服务',
        funds: 'service_purchase',
      });
      expect((await postForm(agent, '/allocations', form(nsLine.id, project.id))).text).to.contain('id="f-budgetLineId-error"');
      const otherYear = await buildBudgetLine();
      expect((await postForm(agent, '/allocations', form(otherYear.id, project.id))).status).to.equal(422);
      expect((await postForm(agent, '/allocations', form(nsLine.id, nsProject.id))).text).to.contain('id="f-projectId-error"');
    });

    it('a city line may fund a project of any district', async () => {
      const { agent } = await signedIn('officer', 'NS');
      const cityLine = await buildBudgetLine({ districtCode: 'SZ' });
      const project = await buildFinanceProject({ year: cityLine.year, districtCode: 'NS' });
      const res = await postForm(agent, '/allocations', {
        budgetLineId: String(cityLine.id),
        projectId: String(project.id),
        amount: '10',
        purpose: '市级资金',
        funds: 'child_worker_costs',
      });
      expect(res.status).to.equal(302);
    });
  });

  describe('access', () => {
    it('anonymous → sign-in; organisation users none; inspectors read but never decide; admin never approves', async () => {
      const a = await buildAllocation({ status: 'submitted' });
      const res = await anonymous().get('/allocations');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/login/);
      const org = await signedIn('org');
      expect((await org.agent.get('/allocations')).status).to.equal(403);
      const inspector = await signedIn('inspector');
      expect((await inspector.agent.get(`/allocations/${a.id}`)).status).to.equal(200);
      expect((await postForm(inspector.agent, `/allocations/${a.id}/approve`, {})).status).to.equal(403);
      const admin = await signedIn('admin', 'SZ');
      expect((await postForm(admin.agent, `/allocations/${a.id}/approve`, {})).status).to.equal(403);
      expect(await statusOf(a.id)).to.equal('submitted');
    });

    it("another district's allocation answers 404, to read and to decide", async () => {
      const a = await buildAllocation({ status: 'submitted' });
      const officer = await signedIn('officer', 'NS');
      expect((await officer.agent.get(`/allocations/${a.id}`)).status).to.equal(404);
      const finance = await signedIn('finance', 'NS');
      expect((await postForm(finance.agent, `/allocations/${a.id}/approve`, {})).status).to.equal(404);
      expect(await statusOf(a.id)).to.equal('submitted');
    });
  });

  describe('pages', () => {
    it('the approval queue lists submitted allocations of the lines finance keeps, oldest first', async () => {
      const line = await buildBudgetLine();
      const first = await buildAllocation({ line, status: 'submitted' });
      const second = await buildAllocation({ line, status: 'submitted' });
      await Allocation.update({ submittedAt: new Date(Date.now() - 86_400_000) }, { where: { id: first.id } });
      await buildAllocation({ line, status: 'approved' });
      const { agent } = await signedIn('finance');
      const res = await agent.get('/allocations/queue');
      expect(res.status).to.equal(200);
      const ids = [...res.text.matchAll(/data-testid="queue-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
      expect(ids.indexOf(first.id)).to.be.lessThan(ids.indexOf(second.id));
      const ns = await signedIn('finance', 'NS');
      expect((await ns.agent.get('/allocations/queue')).text).not.to.contain(`data-id="${first.id}"`);
    });

    it('filters by status, exports exactly that (audited), and reads a page with the same number of queries for 5 and 50 rows', async function () {
      this.timeout(120_000);
      const line = await buildBudgetLine({ amountFen: 100_000_000 });
      const project = await buildFinanceProject({ year: line.year });
      const requester = (await buildUser('officer')).user;
      for (let i = 0; i < 6; i += 1) await buildAllocation({ line, project, requester, status: i < 5 ? 'submitted' : 'approved', amountFen: 1_000 });
      const { agent } = await signedIn('finance');
      const list = await agent.get(`/allocations?projectId=${project.id}&status=submitted`);
      expect(list.status).to.equal(200);
      expect([...list.text.matchAll(/data-testid="allocation-row"/g)].length).to.equal(5);
      const csv = await agent.get(`/allocations?projectId=${project.id}&status=submitted&format=csv`);
      expect(csv.status).to.equal(200);
      expect(csv.text.trim().split('\r\n').length).to.equal(6);
      expect(await AuditEvent.count({ where: { action: 'allocation.export' } })).to.be.greaterThan(0);
      const xlsx = await agent.get(`/allocations?projectId=${project.id}&format=xlsx`).buffer(true);
      expect(xlsx.status).to.equal(200);

      const sequelize = testSequelize();
      const countQueries = async (url: string) => {
        forgetCachedFigures(); // every read counted afresh: the figures a write would make it compute (services/figure-cache.ts)
        let n = 0;
        sequelize.addHook('beforeQuery', 'count-allocation-queries', () => {
          n += 1;
        });
        try {
          expect((await agent.get(url)).status).to.equal(200);
        } finally {
          sequelize.removeHook('beforeQuery', 'count-allocation-queries');
        }
        return n;
      };
      for (let i = 0; i < 44; i += 1) await buildAllocation({ line, project, requester, status: 'approved', amountFen: 1_000 });
      const five = await countQueries(`/allocations?projectId=${project.id}&perPage=10&status=submitted&sort=district`);
      const fifty = await countQueries(`/allocations?projectId=${project.id}&perPage=50&sort=district`);
      expect(await Allocation.count({ where: { projectId: project.id } })).to.equal(50);
      expect(fifty).to.equal(five);
    });
  });
});
