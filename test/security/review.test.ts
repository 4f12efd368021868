import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import { Agency, AuditEvent, StoredFile, User } from '../../models/index.js';
import { OrganisationDocument } from '../../models/OrganisationDocument.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { inBatches } from '../../server/services/export.js';
import { buildUser, district, unique } from '../factories/index.js';
import { buildRegisteredOrganisation, pdfBytes, usccOfType } from '../factories/organisations.js';
import { buildCatalogueItem } from '../factories/catalogue.js';
import { addTrainings, buildWorker, idNumber, mobile } from '../factories/workers.js';
import { csrf, fieldError, loginAs, postForm } from '../support/agent.js';
import { beijingDay, now } from '../../server/clock.js';

/** Findings of the security review of the foundation and registries, each kept by a test. */

async function signedIn(role: Parameters<typeof buildUser>[0], attrs: Parameters<typeof buildUser>[1] = {}) {
  const { user, password } = await buildUser(role, attrs);
  return { agent: await loginAs(user, password), user };
}

/** A locale key shown as it is, instead of its text: a message the locales do not have. */
const RAW_KEY = /\b(?:[a-z]+\.)?validation\.[A-Za-z_]+\b/;

describe('security review', () => {
  describe('validation messages of a form come out in words, never as raw or generic keys', () => {
    it("an area schema's own message (a head count) is shown beside its field", async () => {
      const { agent } = await signedIn('officer');
      const ft = await district('FT');
      const res = await postForm(agent, '/organisations', {
        name: `登记测试${unique()}`,
        uscc: usccOfType('2'),
        orgType: 'social_service_agency',
        districtId: String(ft.id),
        socialWorkerCount: '-1',
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'socialWorkerCount')).to.equal('请输入 0 或正整数。');
      expect(res.text).to.not.match(RAW_KEY);
    });

    it('a phone typed wrong on the contact form says what is wrong with it', async () => {
      const organisation = await buildRegisteredOrganisation();
      const { agent } = await signedIn('org', { organisation });
      const res = await postForm(agent, `/organisations/${organisation.id}/contact`, { contactPhone: '12ab', contactEmail: 'not-an-email' });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'contactPhone')).to.be.a('string').and.not.match(RAW_KEY);
      expect(fieldError(res.text, 'contactEmail')).to.equal('请输入有效的电子邮箱地址。');
      expect(res.text).to.not.match(RAW_KEY);
    });

    it('a wrong ID number typed on the worker edit form is named as such, not as a raw key', async () => {
      const { worker } = await buildWorker();
      const { agent } = await signedIn('officer');
      const res = await postForm(agent, `/workers/${worker.id}`, {
        kind: 'director',
        name: worker.name,
        districtId: String(worker.districtId),
        subDistrictId: '',
        community: '',
        employment: 'full_time',
        status: 'active',
        idNumber: '440304198506150000',
        phone: '',
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'idNumber')).to.be.a('string').and.not.match(RAW_KEY);
      expect(res.text).to.not.match(RAW_KEY);
    });
  });

  describe('exports', () => {
    it('reading in batches never lets its own paging replace a condition on id (scope stays)', async () => {
      const { user: one } = await buildUser('officer');
      await buildUser('officer');
      const rows = [];
      for await (const u of inBatches(User, { where: { id: one.id } }, 1)) rows.push(u.id);
      expect(rows).to.deep.equal([one.id]);
    });

    it('the districts export is audited like every other export', async () => {
      const { agent, user } = await signedIn('officer');
      const res = await agent.get('/reference/districts?format=csv');
      expect(res.status).to.equal(200);
      const event = await AuditEvent.findOne({ where: { actorId: user.id, action: 'reference.export' } });
      expect(event, 'no audit event for the export').to.not.equal(null);
    });
  });

  describe('double submission changes nothing twice', () => {
    it('the same document uploaded again to an organisation is refused beside the field, nothing of it kept', async () => {
      const organisation = await buildRegisteredOrganisation();
      const { agent } = await signedIn('org', { organisation });
      const bytes = pdfBytes(`章程${unique()}`);
      const send = async () => {
        const token = encodeURIComponent(await csrf(agent, '/'));
        return agent.post(`/organisations/${organisation.id}/documents?_csrf=${token}`).field('docType', 'qualification').attach('files', bytes, '章程.pdf');
      };
      expect((await send()).status).to.equal(302);
      const filesBefore = await StoredFile.count();
      const again = await send();
      expect(again.status).to.equal(422);
      expect(fieldError(again.text, 'files')).to.be.a('string').and.not.match(RAW_KEY);
      expect(await OrganisationDocument.count({ where: { organisationId: organisation.id } })).to.equal(1);
      expect(await StoredFile.count()).to.equal(filesBefore);
    });

    it('the same training posted twice (a double click) is recorded once; the second answers 409', async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      const send = async () => {
        const token = await csrf(agent, `/workers/${worker.id}/trainings/new`);
        return agent
          .post(`/workers/${worker.id}/trainings?_csrf=${encodeURIComponent(token)}`)
          .field('kind', 'initial')
          .field('trainedOn', beijingDay(now()))
          .field('course', '儿童主任岗前培训')
          .field('hours', '8')
          .field('trainer', '福田区民政局')
          .field('passed', 'yes');
      };
      expect((await send()).status).to.equal(302);
      const again = await send();
      expect(again.status).to.equal(409);
      expect(again.text).to.not.match(/workers\.errors\./);
      expect(await TrainingRecord.count({ where: { childWorkerId: worker.id } })).to.equal(1);
      expect(await AuditEvent.count({ where: { action: 'child_worker.training', recordId: String(worker.id) } })).to.equal(1);
    });
  });

  it('an agency posted twice (a double click) is added once; the second is refused beside its name', async () => {
    const { agent } = await signedIn('admin');
    const lh = await district('LH');
    const name = `龙华区测试机构${unique()}`;
    const first = await postForm(agent, `/reference/districts/${lh.id}/agencies`, { kind: 'civil_affairs', name });
    expect(first.status).to.equal(302);
    const again = await postForm(agent, `/reference/districts/${lh.id}/agencies`, { kind: 'civil_affairs', name });
    expect(again.status).to.equal(422);
    expect(fieldError(again.text, 'name')).to.be.a('string').and.not.match(RAW_KEY);
    expect(await Agency.count({ where: { districtId: lh.id, name } })).to.equal(1);
  });

  describe("another organisation's or district's record answers 404 on every route", () => {
    type Call = [method: 'get' | 'post', url: string];
    async function expectAll404(agent: Awaited<ReturnType<typeof signedIn>>['agent'], calls: Call[]) {
      for (const [method, url] of calls) {
        const res = method === 'get' ? await agent.get(url) : await postForm(agent, url, {});
        expect(res.status, `${method.toUpperCase()} ${url}`).to.equal(404);
      }
    }

    it("organisations: other district's staff, and another organisation's user", async () => {
      const org = await buildRegisteredOrganisation({ districtCode: 'FT' });
      const owner = await signedIn('org', { organisation: org });
      const token = encodeURIComponent(await csrf(owner.agent, '/'));
      await owner.agent
        .post(`/organisations/${org.id}/documents?_csrf=${token}`)
        .field('docType', 'qualification')
        .attach('files', pdfBytes(unique()), 'a.pdf');
      const doc = await OrganisationDocument.findOne({ where: { organisationId: org.id } });
      const P = `/organisations/${org.id}`;
      const reads: Call[] = [
        ['get', P],
        ['get', `${P}/documents/${doc!.id}`],
      ];
      await expectAll404((await signedIn('officer', { districtCode: 'NS' })).agent, [
        ...reads,
        ['get', `${P}/edit`],
        ['get', `${P}/status`],
        ['get', `${P}/documents/new`],
        ['post', P],
        ['post', `${P}/status`],
      ]);
      await expectAll404((await signedIn('finance', { districtCode: 'NS' })).agent, reads);
      const other = await signedIn('org', { organisation: await buildRegisteredOrganisation({ districtCode: 'FT' }) });
      await expectAll404(other.agent, [...reads, ['get', `${P}/contact`], ['post', `${P}/contact`], ['get', `${P}/documents/new`]]);
      // Their own organisation's path with another organisation's document id.
      const mine = (await OrganisationDocument.findOne({ where: { organisationId: org.id } }))!;
      const otherOrgId = (await User.findByPk(other.user.id))!.organisationId;
      await expectAll404(other.agent, [['get', `/organisations/${otherOrgId}/documents/${mine.id}`]]);
    });

    it('child workers and catalogue drafts: staff of another district', async () => {
      const { worker } = await buildWorker({ districtCode: 'FT' });
      await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-05' }]);
      const training = await TrainingRecord.findOne({ where: { childWorkerId: worker.id } });
      const W = `/workers/${worker.id}`;
      const ns = await signedIn('officer', { districtCode: 'NS' });
      await expectAll404(ns.agent, [
        ['get', W],
        ['get', `${W}/edit`],
        ['get', `${W}/trainings/new`],
        ['get', `${W}/trainings/${training!.id}/certificate`],
        ['post', W],
        ['post', `${W}/reveal`],
      ]);
      await expectAll404((await signedIn('inspector', { districtCode: 'NS' })).agent, [['get', W]]);
      const item = await buildCatalogueItem(ns.user, { districtCode: 'FT', status: 'draft' });
      const C = `/catalogue/${item.id}`;
      await expectAll404(ns.agent, [
        ['get', C],
        ['get', `${C}/edit`],
        ['post', C],
        ['post', `${C}/publish`],
        ['post', `${C}/retire`],
      ]);
    });
  });

  it("an export whose district filter points outside the user's district holds no rows (and no other district's names)", async () => {
    const ns = await district('NS');
    const org = await buildRegisteredOrganisation({ districtCode: 'NS' });
    const { worker } = await buildWorker({ districtCode: 'NS' });
    const { agent } = await signedIn('officer', { districtCode: 'FT' });
    for (const [url, name] of [
      [`/organisations?districtId=${ns.id}&format=csv`, org.name],
      [`/workers?districtId=${ns.id}&format=csv`, worker.name],
    ] as const) {
      const res = await agent.get(url);
      expect(res.status, url).to.equal(200);
      expect(res.text.trim().split('\r\n'), url).to.have.length(1);
      expect(res.text).to.not.contain(name);
    }
  });

  it('text typed by users that a spreadsheet would run as a formula is neutralised in every export', async () => {
    const org = await buildRegisteredOrganisation({ name: `=HYPERLINK("http://evil.example","${unique()}")` });
    const { worker } = await buildWorker({ name: `@SUM(1+1)${unique()}` });
    const { agent } = await signedIn('officer', { districtCode: 'FT' });
    const orgs = await agent.get(`/organisations?q=${encodeURIComponent(org.name.slice(-8))}&format=csv`);
    expect(orgs.text).to.contain(`"'=HYPERLINK(""http://evil.example""`);
    const workers = await agent.get(`/workers?q=${encodeURIComponent(worker.name.slice(-8))}&format=csv`);
    expect(workers.text).to.contain(`'${worker.name}`);
    expect(workers.text.split('\r\n').slice(1).join('\n')).to.not.match(/(^|,)[=+\-@]/m);
  });

  it('an agency cannot be renamed to the name of another agency of its district (422 beside the name)', async () => {
    const { agent } = await signedIn('admin');
    const lh = await district('LH');
    const taken = `龙华区测试机构${unique()}`;
    const [a, b] = [`龙华区甲${unique()}`, taken];
    for (const name of [a, b]) expect((await postForm(agent, `/reference/districts/${lh.id}/agencies`, { kind: 'civil_affairs', name })).status).to.equal(302);
    const first = (await Agency.findOne({ where: { districtId: lh.id, name: a } }))!;
    const res = await postForm(agent, `/reference/agencies/${first.id}`, { _version: await versionNow(first), name: taken });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'name')).to.be.a('string').and.not.match(RAW_KEY);
    expect(await Agency.count({ where: { districtId: lh.id, name: taken } })).to.equal(1);
  });

  describe('audit details never hold a full personal number', () => {
    it("a phone typed into the registry search is masked in the export's audit event", async () => {
      const { agent, user } = await signedIn('officer');
      const phone = mobile();
      // The number typed into an address is taken off it and held (#13); the export follows.
      const held = await agent.get(`/workers?q=${phone}&format=csv`);
      expect(held.status).to.equal(303);
      expect(held.headers.location).to.not.contain(phone.slice(3));
      // The list shows the held search; its export link carries the token, not the number.
      const list = await agent.get(held.headers.location);
      const exportHref = /href="([^"]*format=csv[^"]*)"/.exec(list.text)![1].replace(/&amp;/g, '&');
      expect(exportHref).to.contain('held=').and.not.contain(phone.slice(3));
      const res = await agent.get(exportHref);
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('\ufeff');
      const event = await AuditEvent.findOne({ where: { actorId: user.id, action: 'child_worker.export' } });
      expect(event!.detail).to.not.contain(phone);
      expect(event!.detail).to.contain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    });

    it('an ID number written into a status reason is masked in the audit event', async () => {
      const org = await buildRegisteredOrganisation();
      const { agent, user } = await signedIn('officer');
      const number = idNumber();
      const res = await postForm(agent, `/organisations/${org.id}/status`, {
        status: 'suspended',
        reason: `负责人身份证 ${number} 涉嫌违规`,
        // Saved only after the user confirms the number is not a child's (checkFreeText).
        confirmPersonalData: '1',
      });
      expect(res.status).to.equal(302);
      const event = await AuditEvent.findOne({ where: { actorId: user.id, action: 'organisation.change_status' } });
      expect(event!.detail).to.not.contain(number);
      expect(event!.detail).to.contain(`${number.slice(0, 4)}**********${number.slice(-4)}`);
    });
  });

  it('pages shown to a signed-in user are never stored by the browser (the back button after sign-out shows nothing)', async () => {
    const { worker } = await buildWorker();
    const { agent } = await signedIn('officer');
    for (const url of ['/workers', `/workers/${worker.id}`, '/organisations', '/']) {
      const res = await agent.get(url);
      expect(res.status, url).to.equal(200);
      expect(res.headers['cache-control'], url).to.contain('no-store');
    }
  });
});
