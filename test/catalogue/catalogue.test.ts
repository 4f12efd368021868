import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { AuditEvent, type User } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { catalogueItemEditor } from '../../server/commands/catalogue/catalogueItemEditor.js';
import { catalogueItemTransitioner } from '../../server/commands/catalogue/catalogueItemTransitioner.js';
import { codeForYear } from '../../server/commands/catalogue/catalogueYearCopier.js';
import type { Actor } from '../../server/policies/index.js';
import { purchasableItem, purchasableItems } from '../../server/services/catalogue.js';
import { buildCatalogueItem, catalogueCode, freshYear } from '../factories/catalogue.js';
import { buildUser, district } from '../factories/index.js';
import { type Agent, anonymous, binaryParser, fieldError, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

async function signedIn(role: Role, districtCode?: string): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

/** The codes of the list's rows, in the order shown. */
function listedCodes(html: string): string[] {
  return [...html.matchAll(/data-testid="catalogue-row" data-id="\d+" data-code="([^"]+)"/g)].map((m) => m[1]);
}

function fieldValue(html: string, name: string): string | null {
  return new RegExp(`name="${name}" type="[a-z]+"\\s+value="([^"]*)"`).exec(html)?.[1] ?? null;
}

/** The versions of the detail page's history: `[version, status]`, newest first. */
function history(html: string): [number, string][] {
  return [...html.matchAll(/data-testid="history-row" data-version="(\d+)" data-status="([a-z]+)"/g)].map((m) => [Number(m[1]), m[2]]);
}

/** A complete new-item form for 福田 in `year`. */
async function newItemForm(year: number, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const ft = await district('FT');
  return {
    year: String(year),
    districtId: String(ft.id),
    code: catalogueCode('FT'),
    categoryCode: 'home_visit',
    name: '困境儿童家庭探访',
    unit: '',
    referenceUnitPrice: '150.00',
    description: '每户每月探访一次',
    indicators: '探访完成率 ≥ 95%',
    ...overrides,
  };
}

/** The officer as commands see them (the session's actor). */
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

const editForm = (item: CatalogueItem, overrides: Record<string, string> = {}) => ({
  categoryCode: item.categoryCode,
  name: item.name,
  unit: item.unit,
  referenceUnitPrice: (item.referenceUnitPriceFen / 100).toFixed(2),
  description: item.description,
  indicators: item.indicators,
  _version: String(item.lockVersion),
  ...overrides,
});

describe('catalogue', () => {
  describe('who may come in', () => {
    it('sends an anonymous visitor to sign in', async () => {
      for (const path of ['/catalogue', '/catalogue/1', '/catalogue/new', '/catalogue/copy-year']) {
        const res = await anonymous().get(path).set('Accept', 'text/html');
        expect(res.status, path).to.equal(302);
        expect(res.headers.location).to.match(/^\/login\?next=/);
      }
    });

    it('lets only officers create, edit, publish, retire and copy: every other role gets 403', async () => {
      const { user: officer } = await buildUser('officer');
      const draft = await buildCatalogueItem(officer);
      const published = await buildCatalogueItem(officer, { status: 'published' });
      for (const role of ['admin', 'finance', 'evaluator', 'org', 'inspector'] as Role[]) {
        const { agent } = await signedIn(role, role === 'admin' ? 'SZ' : 'FT');
        expect((await agent.get('/catalogue')).status, `${role} list`).to.equal(200);
        for (const path of ['/catalogue/new', '/catalogue/copy-year', `/catalogue/${published.id}/edit`]) {
          expect((await agent.get(path).set('Accept', 'text/html')).status, `${role} GET ${path}`).to.equal(403);
        }
        expect((await postForm(agent, '/catalogue', await newItemForm(freshYear()))).status, `${role} create`).to.equal(403);
        expect((await postForm(agent, '/catalogue/copy-year', { fromYear: '2030', districtId: '1' })).status, `${role} copy`).to.equal(403);
        expect((await postForm(agent, `/catalogue/${published.id}`, editForm(published))).status, `${role} edit`).to.equal(403);
        expect((await postForm(agent, `/catalogue/${published.id}/retire`, {})).status, `${role} retire`).to.equal(403);
        const publishDraft = (await postForm(agent, `/catalogue/${draft.id}/publish`, {})).status;
        expect([403, 404], `${role} publish a draft`).to.include(publishDraft);
      }
      await draft.reload();
      await published.reload();
      expect([draft.status, published.status]).to.deep.equal(['draft', 'published']);
    });

    it('answers 400 for an id that is not a positive integer, 404 for one that does not exist', async () => {
      const { agent } = await signedIn('officer');
      expect((await agent.get('/catalogue/abc').set('Accept', 'text/html')).status).to.equal(400);
      expect((await agent.get('/catalogue/999999999').set('Accept', 'text/html')).status).to.equal(404);
      expect((await postForm(agent, '/catalogue/999999999/publish', {})).status).to.equal(404);
    });
  });

  describe('creating an item', () => {
    it('creates a draft, version 1 of its own lineage, with the unit of its category, audited', async () => {
      const { agent, user } = await signedIn('officer');
      const form = await newItemForm(freshYear(), { code: 'ft-new-01'.concat(catalogueCode('X')).toLowerCase(), referenceUnitPrice: '1234.56' });
      const res = await postForm(agent, '/catalogue', form);
      expect(res.status).to.equal(302);
      const item = await CatalogueItem.findOne({ where: { code: form.code.toUpperCase() } });
      expect(item).to.not.equal(null);
      expect(res.headers.location).to.equal(`/catalogue/${item!.id}`);
      expect(item!.status).to.equal('draft');
      expect(item!.version).to.equal(1);
      expect(item!.lineageId).to.equal(item!.id);
      expect(item!.unit).to.equal('次');
      expect(item!.referenceUnitPriceFen).to.equal(123456);
      expect(item!.createdBy).to.equal(user.id);
      const page = await agent.get(res.headers.location);
      expect(page.text).to.contain('¥1,234.56');
      const event = await AuditEvent.findOne({ where: { action: 'catalogue.create', recordId: String(item!.id) } });
      expect(event?.actorId).to.equal(user.id);
    });

    it('takes only the fields the form allows: status, version, lineage and creator never come from the request', async () => {
      const { agent, user } = await signedIn('officer');
      const form = await newItemForm(freshYear(), { status: 'published', version: '7', lineageId: '1', createdBy: '1', publishedAt: '2020-01-01' });
      expect((await postForm(agent, '/catalogue', form)).status).to.equal(302);
      const item = await CatalogueItem.findOne({ where: { code: form.code } });
      expect([item!.status, item!.version, item!.lineageId, item!.createdBy, item!.publishedAt]).to.deep.equal(['draft', 1, item!.id, user.id, null]);
    });

    it('refuses a price that is not a strict amount: 422, the input kept, the error beside the field', async () => {
      const { agent } = await signedIn('officer');
      for (const price of ['12.345', '-1', 'abc', '1e3', '1,00', '', '10000000000.01']) {
        const form = await newItemForm(freshYear(), { referenceUnitPrice: price, name: '保留的名称' });
        const res = await postForm(agent, '/catalogue', form);
        expect(res.status, price).to.equal(422);
        expect(fieldError(res.text, 'referenceUnitPrice'), price).to.contain('金额格式不正确');
        expect(fieldValue(res.text, 'name')).to.equal('保留的名称');
        expect(fieldValue(res.text, 'referenceUnitPrice')).to.equal(price);
        expect(await CatalogueItem.count({ where: { code: form.code } })).to.equal(0);
      }
    });

    it('refuses a code already used in that year and district, and a district the officer does not keep', async () => {
      const { agent, user } = await signedIn('officer');
      const year = freshYear();
      const existing = await buildCatalogueItem(user, { year });
      const taken = await postForm(agent, '/catalogue', await newItemForm(year, { code: existing.code }));
      expect(taken.status).to.equal(422);
      expect(fieldError(taken.text, 'code')).to.contain('相同编码');
      const lh = await district('LH');
      const other = await postForm(agent, '/catalogue', await newItemForm(year, { districtId: String(lh.id) }));
      expect(other.status).to.equal(422);
      expect(fieldError(other.text, 'districtId')).to.contain('本区');
      const category = await postForm(agent, '/catalogue', await newItemForm(year, { categoryCode: 'basic_running_costs' }));
      expect(category.status).to.equal(422);
      expect(fieldError(category.text, 'categoryCode')).to.not.equal(null);
    });

    it('lets a city-level officer keep the city catalogue and any district', async () => {
      const { agent } = await signedIn('officer', 'SZ');
      const sz = await district('SZ');
      const city = await postForm(agent, '/catalogue', await newItemForm(freshYear(), { districtId: String(sz.id) }));
      expect(city.status).to.equal(302);
      const ft = await postForm(agent, '/catalogue', await newItemForm(freshYear()));
      expect(ft.status).to.equal(302);
    });
  });

  describe('the item page', () => {
    it('shows each indicator on its own line and keeps the description’s lines, as the officer typed them (#13)', async () => {
      const { agent, user } = await signedIn('officer');
      const item = await buildCatalogueItem(user);
      await item.update({ indicators: '探访完成率 ≥ 95%\r\n\n家庭满意度 ≥ 90%\n', description: '每户每月探访一次\n节假日顺延' });
      const html = (await agent.get(`/catalogue/${item.id}`)).text;
      const list = /<ul[^>]*data-testid="item-indicators">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
      expect([...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1])).to.deep.equal(['探访完成率 ≥ 95%', '家庭满意度 ≥ 90%']);
      expect(html).to.match(/class="[^"]*pre-wrap[^"]*" data-testid="item-description">每户每月探访一次\n节假日顺延</);
    });
  });

  describe('versions', () => {
    it('editing a published item makes version 2; v1 stays as it was until v2 is published, then v1 is retired', async () => {
      const { agent, user } = await signedIn('officer');
      const v1 = await buildCatalogueItem(user, { status: 'published', priceFen: 10_000, name: '原名称' });
      const form = await agent.get(`/catalogue/${v1.id}/edit`);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain('data-testid="revising-note"');
      const res = await postForm(agent, `/catalogue/${v1.id}`, editForm(v1, { name: '新名称', referenceUnitPrice: '120.50' }));
      expect(res.status).to.equal(302);
      const v2 = await CatalogueItem.findOne({ where: { lineageId: v1.id, version: 2 } });
      expect(v2).to.not.equal(null);
      expect(res.headers.location).to.equal(`/catalogue/${v2!.id}`);
      expect([v2!.status, v2!.name, v2!.referenceUnitPriceFen, v2!.code, v2!.supersedesId]).to.deep.equal(['draft', '新名称', 12_050, v1.code, v1.id]);
      await v1.reload();
      expect([v1.status, v1.name, v1.referenceUnitPriceFen, v1.version]).to.deep.equal(['published', '原名称', 10_000, 1]);
      expect(history((await agent.get(`/catalogue/${v2!.id}`)).text)).to.deep.equal([
        [2, 'draft'],
        [1, 'published'],
      ]);
      const revised = await AuditEvent.findOne({ where: { action: 'catalogue.revise', recordId: String(v2!.id) } });
      expect(JSON.parse(revised!.detail!).changes.name).to.deep.equal({ from: '原名称', to: '新名称' });

      const again = await postForm(agent, `/catalogue/${v1.id}`, editForm(v1, { name: '第三个' }));
      expect(again.status, 'a second open draft of the lineage').to.equal(409);

      expect((await postForm(agent, `/catalogue/${v2!.id}/publish`, {})).status).to.equal(302);
      await v1.reload();
      await v2!.reload();
      expect([v1.status, v2!.status]).to.deep.equal(['retired', 'published']);
      expect(v1.retiredAt).to.not.equal(null);
      const shown = (await agent.get(`/catalogue/${v1.id}`)).text;
      expect(history(shown)).to.deep.equal([
        [2, 'published'],
        [1, 'retired'],
      ]);
      const published = await AuditEvent.findOne({ where: { action: 'catalogue.publish', recordId: String(v2!.id) } });
      expect(JSON.parse(published!.detail!).retired).to.deep.equal([v1.id]);
    });

    it('makes one new version, not two, when two revisions of a published item arrive at once; publishing twice at once publishes once', async () => {
      const { user } = await buildUser('officer');
      const v1 = await buildCatalogueItem(user, { status: 'published' });
      const form = { categoryCode: 'home_visit', name: '并发', unit: '次', referenceUnitPrice: 20_000, description: '', indicators: '' };
      const by = { actor: actorOf(user) };
      const results = await Promise.allSettled([catalogueItemEditor(v1.id, form, by), catalogueItemEditor(v1.id, form, by)]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((rejected.reason as { status: number }).status).to.equal(409);
      const drafts = await CatalogueItem.findAll({ where: { lineageId: v1.id, status: 'draft' } });
      expect(drafts.map((d) => d.version)).to.deep.equal([2]);
      const published = await Promise.allSettled([
        catalogueItemTransitioner(drafts[0].id, 'publish', by),
        catalogueItemTransitioner(drafts[0].id, 'publish', by),
      ]);
      expect(published.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const statuses = await CatalogueItem.findAll({ where: { lineageId: v1.id }, order: [['version', 'ASC']] });
      expect(statuses.map((i) => i.status)).to.deep.equal(['retired', 'published']);
      expect(await AuditEvent.count({ where: { action: 'catalogue.publish', recordId: String(drafts[0].id) } })).to.equal(1);
    });

    it('edits a draft in place; a version 2 draft keeps its code', async () => {
      const { agent, user } = await signedIn('officer');
      const draft = await buildCatalogueItem(user);
      const newCode = catalogueCode('ED');
      const res = await postForm(agent, `/catalogue/${draft.id}`, { ...editForm(draft, { name: '改过的' }), code: newCode });
      expect(res.status).to.equal(302);
      await draft.reload();
      expect([draft.name, draft.code, draft.version, draft.status]).to.deep.equal(['改过的', newCode, 1, 'draft']);
      expect(await CatalogueItem.count({ where: { lineageId: draft.id } })).to.equal(1);
      const bad = await postForm(agent, `/catalogue/${draft.id}`, editForm(draft, { referenceUnitPrice: '1.2.3', name: '保留' }));
      expect(bad.status).to.equal(422);
      expect(fieldValue(bad.text, 'name')).to.equal('保留');
      expect(fieldError(bad.text, 'referenceUnitPrice')).to.not.equal(null);

      await postForm(agent, `/catalogue/${draft.id}/publish`, {});
      await postForm(agent, `/catalogue/${draft.id}`, editForm(draft, { name: '第二版' }));
      const v2 = await CatalogueItem.findOne({ where: { lineageId: draft.id, version: 2 } });
      expect((await agent.get(`/catalogue/${v2!.id}/edit`)).text).to.not.contain('name="code"');
      const sneaky = await postForm(agent, `/catalogue/${v2!.id}`, { ...editForm(v2!, { name: '第二版改' }), code: catalogueCode('NEW') });
      expect(sneaky.status).to.equal(302);
      await v2!.reload();
      expect([v2!.name, v2!.code, v2!.status]).to.deep.equal(['第二版改', newCode, 'draft']);
    });
  });

  describe('state changes', () => {
    it('publishes a draft, retires a published item, and answers 409 to anything else', async () => {
      const { agent, user } = await signedIn('officer');
      const item = await buildCatalogueItem(user);
      expect((await postForm(agent, `/catalogue/${item.id}/retire`, {})).status, 'retire a draft').to.equal(409);
      expect((await postForm(agent, `/catalogue/${item.id}/publish`, {})).status).to.equal(302);
      await item.reload();
      expect(item.status).to.equal('published');
      expect(item.publishedAt).to.not.equal(null);
      expect((await postForm(agent, `/catalogue/${item.id}/publish`, {})).status, 'publish twice').to.equal(409);
      expect((await postForm(agent, `/catalogue/${item.id}/retire`, {})).status).to.equal(302);
      await item.reload();
      expect(item.status).to.equal('retired');
      expect((await postForm(agent, `/catalogue/${item.id}/retire`, {})).status, 'retire twice').to.equal(409);
      expect((await postForm(agent, `/catalogue/${item.id}/publish`, {})).status, 'publish a retired item').to.equal(409);
      expect((await agent.get(`/catalogue/${item.id}/edit`).set('Accept', 'text/html')).status, 'edit a retired item').to.equal(409);
      expect((await postForm(agent, `/catalogue/${item.id}`, editForm(item))).status).to.equal(409);
      const events = await AuditEvent.findAll({ where: { recordType: 'catalogue_item', recordId: String(item.id) }, order: [['seq', 'ASC']] });
      expect(events.map((e) => e.action)).to.deep.equal(['catalogue.publish', 'catalogue.retire']);
    });

    it('refuses to publish an item whose reference price is zero', async () => {
      const { agent, user } = await signedIn('officer');
      const item = await buildCatalogueItem(user, { priceFen: 0 });
      const res = await postForm(agent, `/catalogue/${item.id}/publish`, {});
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('参考单价须大于 0');
      await item.reload();
      expect(item.status).to.equal('draft');
    });
  });

  describe('who sees what', () => {
    it("hides another district's drafts from an officer (404) and lets them read but not change its published items", async () => {
      const { user: ftOfficer } = await buildUser('officer', { districtCode: 'FT' });
      const draft = await buildCatalogueItem(ftOfficer);
      const published = await buildCatalogueItem(ftOfficer, { status: 'published' });
      const { agent } = await signedIn('officer', 'LH');
      expect((await agent.get(`/catalogue/${draft.id}`).set('Accept', 'text/html')).status).to.equal(404);
      expect((await agent.get(`/catalogue/${draft.id}/edit`).set('Accept', 'text/html')).status).to.equal(404);
      expect((await postForm(agent, `/catalogue/${draft.id}`, editForm(draft, { name: 'x' }))).status).to.equal(404);
      expect((await postForm(agent, `/catalogue/${draft.id}/publish`, {})).status).to.equal(404);
      expect(listedCodes((await agent.get(`/catalogue?q=${draft.code}`)).text)).to.deep.equal([]);
      expect((await agent.get(`/catalogue/${published.id}`)).status).to.equal(200);
      expect((await postForm(agent, `/catalogue/${published.id}`, editForm(published, { name: 'x' }))).status).to.equal(403);
      expect((await postForm(agent, `/catalogue/${published.id}/retire`, {})).status).to.equal(403);
      await draft.reload();
      expect(draft.name).to.not.equal('x');
      expect(await CatalogueItem.count({ where: { lineageId: published.id } })).to.equal(1);
    });

    it('shows an organisation user only published items, in the list, the detail, the history and the export', async () => {
      const { user: officer } = await buildUser('officer');
      const year = freshYear();
      const draft = await buildCatalogueItem(officer, { year });
      const published = await buildCatalogueItem(officer, { year, status: 'published' });
      const retired = await buildCatalogueItem(officer, { year, status: 'retired' });
      await CatalogueItem.create({
        ...published.get({ plain: true }),
        id: undefined,
        status: 'draft',
        version: 2,
        supersedesId: published.id,
        publishedAt: null,
      } as never);
      const { agent } = await signedIn('org');
      expect(listedCodes((await agent.get(`/catalogue?year=${year}`)).text)).to.deep.equal([published.code]);
      expect((await agent.get(`/catalogue/${draft.id}`).set('Accept', 'text/html')).status).to.equal(404);
      expect((await agent.get(`/catalogue/${retired.id}`).set('Accept', 'text/html')).status).to.equal(404);
      const page = await agent.get(`/catalogue/${published.id}`);
      expect(history(page.text)).to.deep.equal([[1, 'published']]);
      for (const button of ['edit', 'publish', 'retire']) expect(page.text).to.not.contain(`data-testid="${button}"`);
      const csv = await agent.get(`/catalogue?year=${year}&format=csv`);
      expect(csv.status).to.equal(200);
      const lines = csv.text.slice(1).trim().split('\r\n');
      expect(lines.length).to.equal(2);
      expect(lines[1]).to.contain(published.code);
      const { agent: finance } = await signedIn('finance');
      expect(listedCodes((await finance.get(`/catalogue?year=${year}&sort=code`)).text).sort()).to.deep.equal(
        [draft.code, published.code, published.code, retired.code].sort(),
      );
    });

    it('shows everybody the navigation item', async () => {
      const { agent } = await signedIn('evaluator');
      expect((await agent.get('/')).text).to.contain('href="/catalogue"');
    });
  });

  describe('the list and its export', () => {
    it('filters by year, district, category, status and text, and exports exactly the filtered rows', async () => {
      const { agent, user } = await signedIn('officer', 'SZ');
      const year = freshYear();
      const a = await buildCatalogueItem(user, { year, status: 'published', categoryCode: 'hotline' });
      const b = await buildCatalogueItem(user, { year, status: 'published', categoryCode: 'home_visit' });
      const c = await buildCatalogueItem(user, { year, districtCode: 'NS', status: 'published', categoryCode: 'hotline' });
      const d = await buildCatalogueItem(user, { year, status: 'draft', categoryCode: 'hotline' });
      const ft = await district('FT');
      const list = async (q: string) => listedCodes((await agent.get(`/catalogue?year=${year}${q}&sort=code&dir=asc`)).text);
      expect(await list('')).to.have.members([a.code, b.code, c.code, d.code]);
      expect(await list(`&districtId=${ft.id}`)).to.have.members([a.code, b.code, d.code]);
      expect(await list(`&districtId=${ft.id}&category=hotline`)).to.have.members([a.code, d.code]);
      expect(await list(`&districtId=${ft.id}&category=hotline&status=published`)).to.deep.equal([a.code]);
      expect(await list(`&q=${b.code.toLowerCase()}`)).to.deep.equal([b.code]);
      const counselling = await buildCatalogueItem(user, { year, status: 'published', categoryCode: 'psychological_counselling' });
      const psychological = await buildCatalogueItem(user, { year, status: 'published', categoryCode: 'psychological_service' });
      expect(await list('&category=psychological_service'), 'a category finds its subtypes').to.have.members([counselling.code, psychological.code]);
      expect(await list('&category=psychological_counselling')).to.deep.equal([counselling.code]);

      const query = `year=${year}&districtId=${ft.id}&category=hotline`;
      const csv = await agent.get(`/catalogue?${query}&format=csv`);
      expect(csv.status).to.equal(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      const lines = csv.text.slice(1).trim().split('\r\n');
      expect(lines[0].split(',').slice(0, 4)).to.deep.equal(['年度', '区域', '服务类别', '编码']);
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[3])
          .sort(),
      ).to.deep.equal([a.code, d.code].sort());
      expect(lines[1]).to.contain('150.00');
      const event = await AuditEvent.findOne({ where: { action: 'catalogue.export', actorId: user.id } });
      expect(JSON.parse(event!.detail!)).to.deep.include({ format: 'csv', rows: 2 });

      const xlsx = await agent.get(`/catalogue?${query}&status=draft&format=xlsx`).buffer(true).parse(binaryParser);
      expect(xlsx.status).to.equal(200);
      const workbook = new ExcelJS.Workbook();
      const body = xlsx.body as Buffer;
      await workbook.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
      const codes: string[] = [];
      workbook.worksheets[0].eachRow((row, n) => {
        if (n > 1) codes.push(String(row.getCell(4).value));
      });
      expect(codes).to.deep.equal([d.code]);
    });

    it('pages and sorts in the database, with as many queries for 12 rows as for 1', async () => {
      const { agent, user } = await signedIn('inspector');
      const year = freshYear();
      const prefix = catalogueCode('PG');
      for (let i = 0; i < 12; i += 1) {
        await buildCatalogueItem(user, { year, status: 'published', code: `${prefix}-${String(i).padStart(2, '0')}`, priceFen: 1000 + i });
      }
      const codes = Array.from({ length: 12 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
      const first = await agent.get(`/catalogue?year=${year}&perPage=10&sort=price&dir=asc`);
      const second = await agent.get(`/catalogue?year=${year}&perPage=10&sort=price&dir=asc&page=2`);
      expect(listedCodes(first.text)).to.deep.equal(codes.slice(0, 10));
      expect(listedCodes(second.text)).to.deep.equal(codes.slice(10));
      expect(listedCodes((await agent.get(`/catalogue?year=${year}&perPage=10&sort=price&dir=desc`)).text)[0]).to.equal(codes[11]);
      expect(first.text).to.contain('共 12 条');
      const sequelize = testSequelize();
      const countQueries = async (url: string) => {
        let n = 0;
        sequelize.addHook('beforeQuery', 'count-queries', () => {
          n += 1;
        });
        try {
          expect((await agent.get(url)).status).to.equal(200);
        } finally {
          sequelize.removeHook('beforeQuery', 'count-queries');
        }
        return n;
      };
      const few = await countQueries(`/catalogue?year=${year}&q=${codes[0]}`);
      const many = await countQueries(`/catalogue?year=${year}&perPage=25`);
      expect(many, 'queries for 12 rows as for 1 (no N+1)').to.equal(few);
    });

    it('refuses a sort or filter outside the allow-list with 400', async () => {
      const { agent } = await signedIn('inspector');
      expect((await agent.get('/catalogue?sort=createdBy').set('Accept', 'text/html')).status).to.equal(400);
      expect((await agent.get('/catalogue?status=deleted').set('Accept', 'text/html')).status).to.equal(400);
      expect((await agent.get('/catalogue?year=1&year=2').set('Accept', 'text/html')).status).to.equal(400);
    });
  });

  describe("copying a year's catalogue", () => {
    it('copies every published item into next year as drafts in one action, and refuses a second time', async () => {
      const { agent, user } = await signedIn('officer');
      const year = freshYear();
      const p1 = await buildCatalogueItem(user, { year, status: 'published' });
      const p2 = await buildCatalogueItem(user, { year, status: 'published' });
      await buildCatalogueItem(user, { year, status: 'draft' });
      await buildCatalogueItem(user, { year, status: 'retired' });
      await buildCatalogueItem(user, { year, districtCode: 'LH', status: 'published' });
      const ft = await district('FT');
      const form = await agent.get('/catalogue/copy-year');
      expect(form.status).to.equal(200);
      const res = await postForm(agent, '/catalogue/copy-year', { fromYear: String(year), districtId: String(ft.id) });
      expect(res.status).to.equal(302);
      const copies = await CatalogueItem.findAll({ where: { year: year + 1 }, order: [['code', 'ASC']] });
      expect(copies.map((c) => c.code)).to.deep.equal([p1.code, p2.code].sort());
      for (const c of copies) {
        expect([c.status, c.version, c.lineageId, c.districtId, c.supersedesId]).to.deep.equal(['draft', 1, c.id, ft.id, null]);
      }
      expect(copies.find((c) => c.code === p1.code)!.referenceUnitPriceFen).to.equal(p1.referenceUnitPriceFen);
      const event = await AuditEvent.findOne({ where: { action: 'catalogue.copy_year', actorId: user.id } });
      expect(JSON.parse(event!.detail!)).to.deep.include({ fromYear: year, toYear: year + 1, count: 2 });

      const again = await postForm(agent, '/catalogue/copy-year', { fromYear: String(year), districtId: String(ft.id) });
      expect(again.status).to.equal(409);
      expect(await CatalogueItem.count({ where: { year: year + 1 } })).to.equal(2);
      const nothing = await postForm(agent, '/catalogue/copy-year', { fromYear: String(freshYear()), districtId: String(ft.id) });
      expect(nothing.status).to.equal(409);
    });

    it("gives each copy the new year's code: FT-2030-HV-01 becomes FT-2031-HV-01, a code without its year stays", async () => {
      const { agent, user } = await signedIn('officer');
      const year = freshYear();
      const tag = catalogueCode('C').slice(2);
      const dated = await buildCatalogueItem(user, { year, status: 'published', code: `FT-${year}-HV-${tag}` });
      const plain = await buildCatalogueItem(user, { year, status: 'published', code: `FT-HV-${tag}` });
      const longer = await buildCatalogueItem(user, { year, status: 'published', code: `FT-${year}5-${tag}` });
      const ft = await district('FT');
      expect((await postForm(agent, '/catalogue/copy-year', { fromYear: String(year), districtId: String(ft.id) })).status).to.equal(302);
      const codes = (await CatalogueItem.findAll({ where: { year: year + 1, districtId: ft.id } })).map((c) => c.code);
      expect(codes).to.have.members([`FT-${year + 1}-HV-${tag}`, plain.code, longer.code]);
      expect(codes).not.to.include(dated.code);
      const list = await agent.get(`/catalogue?year=${year + 1}`);
      expect(list.text).to.contain(`FT-${year + 1}-HV-${tag}`);
    });

    it('changes only the year written as a whole four-digit part of a code', () => {
      expect(codeForYear('FT-2030-HV-01', 2030, 2031)).to.equal('FT-2031-HV-01');
      expect(codeForYear('2030HV', 2030, 2031)).to.equal('2031HV');
      expect(codeForYear('FT-20301-HV', 2030, 2031)).to.equal('FT-20301-HV');
      expect(codeForYear('FT-HV-01', 2030, 2031)).to.equal('FT-HV-01');
    });

    it('keeps both codes when the new year would make two of them equal', async () => {
      const { agent, user } = await signedIn('officer');
      const year = freshYear();
      const tag = catalogueCode('D').slice(2);
      await buildCatalogueItem(user, { year, status: 'published', code: `LH-${year}-${tag}` });
      await buildCatalogueItem(user, { year, status: 'published', code: `LH-${year + 1}-${tag}` });
      const ft = await district('FT');
      expect((await postForm(agent, '/catalogue/copy-year', { fromYear: String(year), districtId: String(ft.id) })).status).to.equal(302);
      const codes = (await CatalogueItem.findAll({ where: { year: year + 1, districtId: ft.id } })).map((c) => c.code);
      expect(codes).to.have.members([`LH-${year}-${tag}`, `LH-${year + 1}-${tag}`]);
    });

    it("refuses another district's catalogue and a bad year with 422, the input kept", async () => {
      const { agent } = await signedIn('officer');
      const lh = await district('LH');
      const other = await postForm(agent, '/catalogue/copy-year', { fromYear: '2040', districtId: String(lh.id) });
      expect(other.status).to.equal(422);
      expect(fieldError(other.text, 'districtId')).to.contain('本区');
      const bad = await postForm(agent, '/catalogue/copy-year', { fromYear: '20x0', districtId: String(lh.id) });
      expect(bad.status).to.equal(422);
      expect(fieldValue(bad.text, 'fromYear')).to.equal('20x0');
    });
  });

  describe('what a project may buy', () => {
    it("offers the published items of the project's year in its district and the city, nothing else", async () => {
      const { user } = await buildUser('officer', { districtCode: 'SZ' });
      const year = freshYear();
      const own = await buildCatalogueItem(user, { year, status: 'published' });
      const city = await buildCatalogueItem(user, { year, districtCode: 'SZ', status: 'published' });
      const draft = await buildCatalogueItem(user, { year });
      const retired = await buildCatalogueItem(user, { year, status: 'retired' });
      const otherDistrict = await buildCatalogueItem(user, { year, districtCode: 'LH', status: 'published' });
      const otherYear = await buildCatalogueItem(user, { year: year + 1, status: 'published' });
      const ft = await district('FT');
      const offered = await purchasableItems({ year, districtId: ft.id });
      expect(offered.map((i) => i.id)).to.have.members([own.id, city.id]);
      for (const item of [own, city]) expect((await purchasableItem(item.id, { year, districtId: ft.id }))?.id).to.equal(item.id);
      for (const item of [draft, retired, otherDistrict, otherYear]) expect(await purchasableItem(item.id, { year, districtId: ft.id })).to.equal(null);
    });
  });
});
