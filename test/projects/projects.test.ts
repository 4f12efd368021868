import { expect } from 'chai';
import { Award } from '../../models/Award.js';
import { Agency, AuditEvent, type Organisation, type User } from '../../models/index.js';
import { OrganisationStatusChange } from '../../models/OrganisationStatusChange.js';
import {
  MANUAL_PROJECT_TRANSITIONS,
  OCDS_PROCUREMENT_METHOD,
  PROCUREMENT_METHODS,
  PROJECT_STATUSES,
  PROJECT_TRANSITIONS,
  Project,
} from '../../models/Project.js';
import { canMove } from '../../models/transitions.js';
import { ProjectItem } from '../../models/ProjectItem.js';
import type { Role } from '../../models/User.js';
import { projectTransitioner } from '../../server/commands/projects/projectTransitioner.js';
import { activeAwardOf } from '../../server/services/projects.js';
import { ocidOf } from '../../server/services/ocds/identifiers.js';
import { ConflictError } from '../../server/errors.js';
import type { Actor } from '../../server/policies/index.js';
import { buildCatalogueItem } from '../factories/catalogue.js';
import { buildOrganisation, buildUser, district, unique } from '../factories/index.js';
import { buildProject, projectYear } from '../factories/projects.js';
import { type Agent, anonymous, binaryParser, csrf, fieldError, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

async function signedIn(role: Role, districtCode?: string, organisation?: Organisation): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode, organisation });
  return { agent: await loginAs(user, password), user };
}

function fieldValue(html: string, name: string): string | null {
  return new RegExp(`name="${name}" type="[a-z]+"\\s+value="([^"]*)"`).exec(html)?.[1] ?? null;
}

function listedIds(html: string): number[] {
  return [...html.matchAll(/data-testid="project-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
}

async function newProjectForm(overrides: Record<string, string> = {}, districtCode = 'FT'): Promise<Record<string, string>> {
  const d = await district(districtCode);
  const agency = await Agency.findOne({ where: { districtId: d.id, kind: 'civil_affairs' } });
  return {
    // 2000: a year the catalogue tests never take (their `freshYear` starts at 2032, then odd years).
    year: '2000',
    districtId: String(d.id),
    agencyId: String(agency!.id),
    title: `困境儿童关爱服务${unique()}`,
    targetGroup: '辖区困境儿童约 300 名',
    budget: '300000.00',
    procurementMethod: 'competitive_consultation',
    ...overrides,
  };
}

const actorOf = (user: User, cityLevel = false): Actor => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
  districtId: user.districtId,
  cityLevel,
  agencyId: user.agencyId ?? null,
  organisationId: null,
  mustChangePassword: false,
});

async function setStatus(org: Organisation, status: 'suspended' | 'ineligible' | 'active', ineligibleUntil: string | null, by: User) {
  const from = org.status;
  await org.update({ status, ineligibleUntil, statusReason: '测试' });
  await OrganisationStatusChange.create({
    organisationId: org.id,
    fromStatus: from,
    toStatus: status,
    reason: `年检不合格${unique()}`,
    ineligibleUntil,
    changedBy: by.id,
    changedAt: new Date(),
  });
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);

describe('projects', () => {
  describe('the model', () => {
    it('maps every procurement method to an OCDS 1.1.5 method code', () => {
      for (const m of PROCUREMENT_METHODS) expect(['open', 'selective', 'limited', 'direct'], m).to.include(OCDS_PROCUREMENT_METHOD[m]);
      expect(OCDS_PROCUREMENT_METHOD.open).to.equal('open');
      expect(OCDS_PROCUREMENT_METHOD.invited).to.equal('selective');
      expect(OCDS_PROCUREMENT_METHOD.single_source).to.equal('direct');
    });

    it('gives each project a unique ocid of the prefix and its id', async () => {
      const { project } = await buildProject();
      expect(project.ocid).to.equal(ocidOf(project.id));
    });
  });

  describe('who may come in', () => {
    it('sends an anonymous visitor to sign in', async () => {
      for (const path of ['/projects', '/projects/1', '/projects/new', '/projects/1/award']) {
        const res = await anonymous().get(path).set('Accept', 'text/html');
        expect(res.status, path).to.equal(302);
        expect(res.headers.location).to.match(/^\/login\?next=/);
      }
    });

    it('gives evaluators nothing, and lets only officers change projects (403 for the others)', async () => {
      const { agent: evaluator } = await signedIn('evaluator');
      expect((await evaluator.get('/projects').set('Accept', 'text/html')).status).to.equal(403);
      const { project } = await buildProject({ status: 'tendering' });
      const org = await buildOrganisation();
      for (const role of ['admin', 'finance', 'inspector'] as Role[]) {
        const { agent } = await signedIn(role, role === 'admin' ? 'SZ' : 'FT');
        expect((await agent.get('/projects')).status, `${role} list`).to.equal(200);
        expect((await agent.get(`/projects/${project.id}`)).status, `${role} read`).to.equal(200);
        expect((await agent.get('/projects/new').set('Accept', 'text/html')).status, `${role} new`).to.equal(403);
        expect((await postForm(agent, '/projects', await newProjectForm())).status, `${role} create`).to.equal(403);
        expect((await postForm(agent, `/projects/${project.id}/cancel`, { reason: 'x' })).status, `${role} cancel`).to.equal(403);
        expect((await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '1', reasons: 'x' })).status).to.equal(403);
      }
      await project.reload();
      expect(project.status).to.equal('tendering');
    });

    it('hides another district’s project (404) from district staff; the city level sees it', async () => {
      const { project } = await buildProject({ districtCode: 'LH', status: 'tendering' });
      for (const role of ['officer', 'finance', 'inspector'] as Role[]) {
        const { agent } = await signedIn(role, 'FT');
        expect((await agent.get(`/projects/${project.id}`).set('Accept', 'text/html')).status, role).to.equal(404);
        expect(listedIds((await agent.get(`/projects?q=${encodeURIComponent(project.title)}`)).text), role).to.deep.equal([]);
      }
      const { agent: ftOfficer } = await signedIn('officer', 'FT');
      expect((await postForm(ftOfficer, `/projects/${project.id}/cancel`, { reason: '越权' })).status).to.equal(404);
      const { agent: city } = await signedIn('officer', 'SZ');
      expect((await city.get(`/projects/${project.id}`)).status).to.equal(200);
      expect((await postForm(city, `/projects/${project.id}/cancel`, { reason: '市级取消' })).status).to.equal(302);
    });

    it('shows an organisation user only the projects awarded to it, read-only', async () => {
      const org = await buildOrganisation();
      const { project: mine } = await buildProject({ status: 'awarded', organisation: org });
      const { project: theirs } = await buildProject({ status: 'awarded' });
      const { project: unawarded } = await buildProject({ status: 'tendering' });
      const { agent } = await signedIn('org', 'FT', org);
      const list = await agent.get('/projects?perPage=100');
      expect(list.status).to.equal(200);
      expect(listedIds(list.text)).to.include(mine.id).and.not.include(theirs.id).and.not.include(unawarded.id);
      expect(list.text).to.not.contain('data-testid="new-project"').and.not.contain('data-testid="export-csv"');
      const page = await agent.get(`/projects/${mine.id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.not.contain('data-testid="cancel-form"').and.not.contain('data-testid="edit"');
      expect((await agent.get(`/projects/${theirs.id}`).set('Accept', 'text/html')).status).to.equal(404);
      expect((await agent.get(`/projects/${unawarded.id}`).set('Accept', 'text/html')).status).to.equal(404);
      expect((await agent.get('/projects?format=csv')).status).to.equal(403);
      expect((await postForm(agent, `/projects/${mine.id}/cancel`, { reason: 'x' })).status).to.equal(403);
    });
  });

  describe('creating and editing', () => {
    it('creates a project in planning with its ocid, audited', async () => {
      const { agent, user } = await signedIn('officer');
      const form = await newProjectForm({ budget: '123456.78' });
      const res = await postForm(agent, '/projects', form);
      expect(res.status).to.equal(302);
      const project = await Project.findOne({ where: { title: form.title } });
      expect(res.headers.location).to.equal(`/projects/${project!.id}`);
      expect([project!.status, project!.budgetFen, project!.procurementMethod, project!.createdBy]).to.deep.equal([
        'planning',
        12345678,
        'competitive_consultation',
        user.id,
      ]);
      expect(project!.ocid).to.equal(ocidOf(project!.id));
      const page = await agent.get(res.headers.location);
      expect(page.text).to.contain('¥123,456.78').and.to.contain(project!.ocid!).and.to.contain('竞争性磋商');
      const event = await AuditEvent.findOne({ where: { action: 'project.create', recordId: String(project!.id) } });
      expect(event?.actorId).to.equal(user.id);
    });

    it('opens the new-project form with the officer’s own purchasing body chosen', async () => {
      const { agent, user } = await signedIn('officer');
      const page = await agent.get('/projects/new');
      expect(user.agencyId).to.be.a('number');
      expect(page.text).to.match(new RegExp(`<option value="${user.agencyId}"[^>]*selected`));
    });

    it('refuses bad input with 422, the input kept and the error beside the field; status never comes from the form', async () => {
      const { agent } = await signedIn('officer');
      for (const [field, value] of [
        ['budget', '12.345'],
        ['budget', '-5'],
        ['title', ''],
        ['procurementMethod', 'auction'],
        ['year', '1999'],
      ]) {
        const form = await newProjectForm({ [field]: value, targetGroup: '保留的服务对象' });
        const res = await postForm(agent, '/projects', form);
        expect(res.status, `${field}=${value}`).to.equal(422);
        expect(fieldError(res.text, field), field).to.not.equal(null);
        expect(res.text).to.contain('保留的服务对象');
        if (field !== 'title') expect(fieldValue(res.text, 'title')).to.equal(form.title);
      }
      const lh = await district('LH');
      const lhAgency = await Agency.findOne({ where: { districtId: lh.id, kind: 'education' } });
      const agency = await postForm(agent, '/projects', await newProjectForm({ agencyId: String(lhAgency!.id) }));
      expect(agency.status).to.equal(422);
      expect(fieldError(agency.text, 'agencyId')).to.contain('采购单位');
      const other = await postForm(agent, '/projects', await newProjectForm({ districtId: String(lh.id), agencyId: String(lhAgency!.id) }));
      expect(other.status).to.equal(422);
      expect(fieldError(other.text, 'districtId')).to.not.equal(null);
      const sneaky = await newProjectForm({ status: 'awarded', ocid: 'x', createdBy: '1' });
      expect((await postForm(agent, '/projects', sneaky)).status).to.equal(302);
      const made = await Project.findOne({ where: { title: sneaky.title } });
      expect([made!.status, made!.ocid]).to.deep.equal(['planning', ocidOf(made!.id)]);
    });

    it('lets a city-level officer create for the city (with a city agency) and for a district (with a city agency too)', async () => {
      const { agent } = await signedIn('officer', 'SZ');
      const sz = await district('SZ');
      const cityAgency = await Agency.findOne({ where: { districtId: sz.id, kind: 'civil_affairs' } });
      expect((await postForm(agent, '/projects', await newProjectForm({ districtId: String(sz.id), agencyId: String(cityAgency!.id) }))).status).to.equal(302);
      expect((await postForm(agent, '/projects', await newProjectForm({ agencyId: String(cityAgency!.id) }))).status).to.equal(302);
    });

    it('edits while planning, and refuses edits once tendering (409)', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user });
      expect((await agent.get(`/projects/${project.id}/edit`)).status).to.equal(200);
      const form = { ...(await newProjectForm({ title: '改过的名称', budget: '1000' })), _version: '0' };
      const res = await postForm(agent, `/projects/${project.id}`, form);
      expect(res.status).to.equal(302);
      await project.reload();
      expect([project.title, project.budgetFen, project.year]).to.deep.equal(['改过的名称', 100000, project.year]);
      expect(await AuditEvent.count({ where: { action: 'project.update', recordId: String(project.id) } })).to.equal(1);
      const { project: tendering } = await buildProject({ creator: user, status: 'tendering' });
      expect((await agent.get(`/projects/${tendering.id}/edit`).set('Accept', 'text/html')).status).to.equal(409);
      expect((await postForm(agent, `/projects/${tendering.id}`, form)).status).to.equal(409);
    });
  });

  describe('items', () => {
    it('buys published items of its year, of its district or the city, at the reference price unless told', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user });
      const own = await buildCatalogueItem(user, { year: project.year, status: 'published', priceFen: 20_000 });
      const city = await buildCatalogueItem(user, { year: project.year, status: 'published', districtCode: 'SZ', priceFen: 50_000 });
      const page = await agent.get(`/projects/${project.id}`);
      expect(page.text).to.contain(own.code).and.to.contain(city.code);
      expect((await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(own.id), quantity: '10', unitPrice: '' })).status).to.equal(302);
      expect(
        (await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(city.id), quantity: '2', unitPrice: '450.50' })).status,
      ).to.equal(302);
      const lines = await ProjectItem.findAll({ where: { projectId: project.id }, order: [['id', 'ASC']] });
      expect(lines.map((l) => [l.catalogueItemId, l.quantity, l.unitPriceFen])).to.deep.equal([
        [own.id, 10, 20_000],
        [city.id, 2, 45_050],
      ]);
      expect((await agent.get(`/projects/${project.id}`)).text).to.contain('¥2,901.00');
      const twice = await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(own.id), quantity: '1', unitPrice: '' });
      expect(twice.status).to.equal(422);
      expect(await AuditEvent.count({ where: { action: 'project.add_item', recordId: String(project.id) } })).to.equal(2);
    });

    it('refuses a draft, a retired, another year’s and another district’s item with 422 beside the field', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user });
      const refused = [
        await buildCatalogueItem(user, { year: project.year, status: 'draft' }),
        await buildCatalogueItem(user, { year: project.year, status: 'retired' }),
        await buildCatalogueItem(user, { year: projectYear(), status: 'published' }),
        await buildCatalogueItem(user, { year: project.year, status: 'published', districtCode: 'LH' }),
      ];
      for (const item of refused) {
        const res = await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(item.id), quantity: '7', unitPrice: '' });
        expect(res.status, `${item.status} ${item.year}`).to.equal(422);
        expect(fieldError(res.text, 'catalogueItemId')).to.contain('已发布');
        expect(fieldValue(res.text, 'quantity')).to.equal('7');
      }
      const badQuantity = await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(refused[0].id), quantity: '0', unitPrice: '' });
      expect(badQuantity.status).to.equal(422);
      expect(fieldError(badQuantity.text, 'quantity')).to.not.equal(null);
      expect(await ProjectItem.count({ where: { projectId: project.id } })).to.equal(0);
    });

    it('changes items only while planning (409 after)', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user, status: 'tendering' });
      const item = await buildCatalogueItem(user, { year: project.year, status: 'published' });
      expect((await postForm(agent, `/projects/${project.id}/items`, { catalogueItemId: String(item.id), quantity: '1', unitPrice: '' })).status).to.equal(409);
      const line = await ProjectItem.findOne({ where: { projectId: project.id } });
      expect((await postForm(agent, `/projects/${project.id}/items/${line!.id}/delete`, {})).status).to.equal(409);
      expect(await ProjectItem.count({ where: { projectId: project.id } })).to.equal(1);
    });
  });

  describe('the transition table', () => {
    const MANUAL = MANUAL_PROJECT_TRANSITIONS as ('tender' | 'cancel')[];

    it('allows every button move the table allows from each status, and refuses every other with 409', async () => {
      const { agent, user } = await signedIn('officer');
      for (const status of PROJECT_STATUSES) {
        for (const transition of MANUAL) {
          const { project } = await buildProject({ creator: user, status });
          if (transition === 'tender' && status === 'planning') {
            const item = await buildCatalogueItem(user, { year: project.year, status: 'published' });
            await ProjectItem.create({ projectId: project.id, catalogueItemId: item.id, quantity: 1, unitPriceFen: 100 });
          }
          const res = await postForm(agent, `/projects/${project.id}/${transition}`, { reason: '预算调整' });
          await project.reload();
          if (canMove(PROJECT_TRANSITIONS, status, transition)) {
            expect(res.status, `${status} → ${transition}`).to.equal(302);
            expect(project.status).to.equal(PROJECT_TRANSITIONS[transition].to);
            expect(await AuditEvent.count({ where: { action: `project.${transition}`, recordId: String(project.id) } })).to.equal(1);
          } else {
            expect(res.status, `${status} → ${transition}`).to.equal(409);
            expect(project.status).to.equal(status);
          }
        }
      }
    });

    it('awards only from tendering (409 otherwise)', async () => {
      const { agent, user } = await signedIn('officer');
      const org = await buildOrganisation();
      for (const status of PROJECT_STATUSES.filter((s) => s !== 'tendering')) {
        const { project } = await buildProject({ creator: user, status });
        expect((await agent.get(`/projects/${project.id}/award`).set('Accept', 'text/html')).status, status).to.equal(409);
        const res = await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '100', reasons: '评分第一' });
        expect(res.status, status).to.equal(409);
        await project.reload();
        expect(project.status).to.equal(status);
      }
    });

    it('moves to contracted and closed only through the command the contracts part calls (409 from any other status)', async () => {
      const { user } = await buildUser('officer');
      for (const transition of ['contract', 'close'] as const) {
        for (const status of PROJECT_STATUSES) {
          const { project } = await buildProject({ creator: user, status });
          const attempt = projectTransitioner(project.id, transition, { actor: actorOf(user) });
          if (canMove(PROJECT_TRANSITIONS, status, transition)) {
            expect((await attempt).status, `${status} → ${transition}`).to.equal(PROJECT_TRANSITIONS[transition].to);
          } else {
            const err = await attempt.then(
              () => null,
              (e: unknown) => e,
            );
            expect(err, `${status} → ${transition}`).to.be.instanceOf(ConflictError);
            await project.reload();
            expect(project.status).to.equal(status);
          }
        }
      }
    });

    it('refuses to tender without items (409) and to cancel without a reason (422); cancelling withdraws the award', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user });
      // The page says what tendering needs, with the button disabled beside it (#12: the next step in sight).
      const planning = await agent.get(`/projects/${project.id}`);
      expect(planning.text).to.match(/data-testid="next-step"[^>]*>[\s\S]*?至少一个已发布的目录条目/);
      expect(planning.text).to.match(/<button[^>]*disabled[^>]*data-testid="tender"/);
      // A refused step (a replayed or stale form) is shown on the project's own page, not on an error page.
      const refused = await postForm(agent, `/projects/${project.id}/tender`, {});
      expect(refused.status).to.equal(409);
      expect(refused.text)
        .to.match(/data-testid="refusal">请先添加至少一项采购内容，再提交采购。</)
        .and.to.contain('data-testid="project-facts"');
      const noReason = await postForm(agent, `/projects/${project.id}/cancel`, { reason: '' });
      expect(noReason.status).to.equal(422);
      expect(fieldError(noReason.text, 'reason')).to.not.equal(null);
      const { project: awarded, award } = await buildProject({ creator: user, status: 'awarded' });
      expect((await postForm(agent, `/projects/${awarded.id}/cancel`, { reason: '资金未到位' })).status).to.equal(302);
      await award!.reload();
      expect([award!.status, award!.activeProjectId, award!.cancelReason]).to.deep.equal(['cancelled', null, '资金未到位']);
      const page = await agent.get(`/projects/${awarded.id}`);
      expect(page.text).to.contain('资金未到位');
    });

    it('shows the moves on the project page, from the audit trail', async () => {
      const { agent, user } = await signedIn('officer');
      const res = await postForm(agent, '/projects', await newProjectForm());
      const id = Number(res.headers.location.split('/').pop());
      const item = await buildCatalogueItem(user, { year: (await Project.findByPk(id))!.year, status: 'published' });
      await postForm(agent, `/projects/${id}/items`, { catalogueItemId: String(item.id), quantity: '1', unitPrice: '' });
      expect((await postForm(agent, `/projects/${id}/tender`, {})).status).to.equal(302);
      const page = await agent.get(`/projects/${id}`);
      expect([...page.text.matchAll(/data-testid="history-row"/g)]).to.have.length(2);
      expect(page.text).to.contain('提交采购');
    });
  });

  describe('the award', () => {
    it('awards a tendering project: the award row, the move and the audit event; the page shows who won', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user, status: 'tendering', budgetFen: 500_000_00 });
      const org = await buildOrganisation({ districtCode: 'NS' });
      const form = await agent.get(`/projects/${project.id}/award?organisationId=${org.id}`);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain('data-testid="organisation-eligible"').and.to.contain('暂无评估记录');
      const res = await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '480000.00', reasons: '综合评分第一' });
      expect(res.status).to.equal(302);
      await project.reload();
      expect(project.status).to.equal('awarded');
      const award = await Award.findOne({ where: { projectId: project.id } });
      expect([award!.organisationId, award!.organisationDistrictId, award!.amountFen, award!.status, award!.awardedBy]).to.deep.equal([
        org.id,
        org.districtId,
        48_000_000,
        'active',
        user.id,
      ]);
      expect(await AuditEvent.count({ where: { action: 'project.award', recordId: String(project.id) } })).to.equal(1);
      expect((await agent.get(`/projects/${project.id}`)).text)
        .to.contain(org.name)
        .and.to.contain('¥480,000.00');
      expect((await activeAwardOf(project.id))?.organisation?.name).to.equal(org.name);
    });

    it('refuses a suspended organisation and one ineligible on the award day (422 beside the field), showing its history', async () => {
      const { agent, user } = await signedIn('officer');
      const suspended = await buildOrganisation();
      await setStatus(suspended, 'suspended', null, user);
      const ineligible = await buildOrganisation();
      await setStatus(ineligible, 'ineligible', day(30), user);
      const ineligibleToday = await buildOrganisation();
      await setStatus(ineligibleToday, 'ineligible', day(0), user);
      for (const org of [suspended, ineligible, ineligibleToday]) {
        const { project } = await buildProject({ creator: user, status: 'tendering' });
        const page = await agent.get(`/projects/${project.id}/award?organisationId=${org.id}`);
        expect(page.text).to.contain('data-testid="organisation-refusal"').and.to.contain('年检不合格');
        const res = await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '100', reasons: '保留的理由' });
        expect(res.status, org.status).to.equal(422);
        expect(fieldError(res.text, 'organisationId')).to.match(/暂停|资格/);
        expect(res.text).to.contain('保留的理由');
        await project.reload();
        expect(project.status).to.equal('tendering');
        expect(await Award.count({ where: { projectId: project.id } })).to.equal(0);
      }
      const lapsed = await buildOrganisation();
      await setStatus(lapsed, 'ineligible', day(-1), user);
      const { project } = await buildProject({ creator: user, status: 'tendering' });
      expect(
        (await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(lapsed.id), amount: '100', reasons: '资格已恢复' })).status,
      ).to.equal(302);
    });

    it('awards once when two awards race: the other answers 409 and one award stands', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user, status: 'tendering' });
      const [a, b] = [await buildOrganisation(), await buildOrganisation()];
      // One token for both: fetching two at once would race on the session's CSRF secret instead.
      const token = await csrf(agent, '/');
      const statuses = await Promise.all(
        [a, b].map((org) =>
          agent
            .post(`/projects/${project.id}/award`)
            .type('form')
            .send({ organisationId: String(org.id), amount: '100', reasons: '并发', _csrf: token })
            .then((r) => r.status),
        ),
      );
      expect(statuses.sort()).to.deep.equal([302, 409]);
      expect(await Award.count({ where: { projectId: project.id } })).to.equal(1);
      expect(await AuditEvent.count({ where: { action: 'project.award', recordId: String(project.id) } })).to.equal(1);
    });

    it('refuses an amount above the budget, a bad amount and missing reasons with 422', async () => {
      const { agent, user } = await signedIn('officer');
      const { project } = await buildProject({ creator: user, status: 'tendering', budgetFen: 100_000 });
      const org = await buildOrganisation();
      const above = await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '1000.01', reasons: '评分第一' });
      expect(above.status).to.equal(422);
      expect(fieldError(above.text, 'amount')).to.contain('预算');
      expect(fieldValue(above.text, 'amount')).to.equal('1000.01');
      const bad = await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '1,00', reasons: '' });
      expect(bad.status).to.equal(422);
      expect(fieldError(bad.text, 'amount')).to.not.equal(null);
      expect(fieldError(bad.text, 'reasons')).to.not.equal(null);
      expect(
        (await postForm(agent, `/projects/${project.id}/award`, { organisationId: String(org.id), amount: '1000.00', reasons: '评分第一' })).status,
      ).to.equal(302);
    });
  });

  describe('the list', () => {
    it('filters by year, district, status, method and text, and exports exactly that as CSV and XLSX, audited', async () => {
      const { user } = await buildUser('officer', { districtCode: 'SZ' });
      const tag = unique('筛选');
      const year = 2000;
      const a = (await buildProject({ creator: user, year, title: `${tag}甲`, status: 'tendering', method: 'open' })).project;
      const b = (await buildProject({ creator: user, year, title: `${tag}乙`, districtCode: 'NS', method: 'single_source' })).project;
      const c = (await buildProject({ creator: user, title: `${tag}丙` })).project;
      const { agent, user: reader } = await signedIn('finance', 'SZ');
      const q = `q=${encodeURIComponent(tag)}`;
      const asc = listedIds((await agent.get(`/projects?${q}&sort=title&dir=asc`)).text);
      expect(asc.slice().sort()).to.deep.equal([a.id, b.id, c.id].sort());
      expect(listedIds((await agent.get(`/projects?${q}&sort=title&dir=desc`)).text)).to.deep.equal(asc.slice().reverse());
      expect(listedIds((await agent.get(`/projects?${q}&year=${year}`)).text).sort()).to.deep.equal([a.id, b.id].sort());
      expect(listedIds((await agent.get(`/projects?${q}&districtId=${b.districtId}`)).text)).to.deep.equal([b.id]);
      expect(listedIds((await agent.get(`/projects?${q}&status=tendering`)).text)).to.deep.equal([a.id]);
      expect(listedIds((await agent.get(`/projects?${q}&method=single_source`)).text)).to.deep.equal([b.id]);
      expect((await agent.get(`/projects?${q}&sort=ocid`)).status).to.equal(400);
      const csv = await agent.get(`/projects?${q}&year=${year}&format=csv`);
      expect(csv.status).to.equal(200);
      expect(csv.headers['content-type']).to.contain('text/csv');
      expect(csv.text.trim().split('\r\n')).to.have.length(3);
      expect(csv.text).to.contain(a.ocid!).and.to.contain(b.ocid!).and.to.contain('单一来源').and.to.contain('direct');
      expect(csv.text).to.not.contain(c.ocid!);
      const xlsx = await agent.get(`/projects?${q}&format=xlsx`).buffer(true).parse(binaryParser);
      expect(xlsx.status).to.equal(200);
      expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
      expect(await AuditEvent.count({ where: { action: 'project.export', actorId: reader.id } })).to.equal(2);
    });

    it('reads a page with the same number of queries for 5 rows as for 50', async () => {
      const { user } = await buildUser('officer', { districtCode: 'SZ' });
      const few = unique('五');
      const many = unique('五十');
      for (let i = 0; i < 5; i += 1) await buildProject({ creator: user, title: `${few}-${i}`, districtCode: i % 2 ? 'FT' : 'NS' });
      for (let i = 0; i < 50; i += 1) await buildProject({ creator: user, title: `${many}-${i}`, districtCode: i % 2 ? 'FT' : 'LH' });
      const { agent } = await signedIn('officer', 'SZ');
      const sequelize = testSequelize();
      const countQueries = async (url: string, rows: number) => {
        let n = 0;
        sequelize.addHook('beforeQuery', 'count-project-queries', () => {
          n += 1;
        });
        try {
          const res = await agent.get(url);
          expect(res.status).to.equal(200);
          expect(listedIds(res.text)).to.have.length(rows);
        } finally {
          sequelize.removeHook('beforeQuery', 'count-project-queries');
        }
        return n;
      };
      // Once unmeasured: the to-do badges every page shows are kept while their tables do not
      // change (services/figure-cache.ts), so the first page read after a write also reads them.
      await agent.get('/projects');
      const five = await countQueries(`/projects?q=${encodeURIComponent(few)}&sort=district&perPage=50`, 5);
      const fifty = await countQueries(`/projects?q=${encodeURIComponent(many)}&sort=district&perPage=50`, 50);
      expect(fifty).to.equal(five);
    });
  });
});
