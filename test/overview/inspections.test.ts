import { expect } from 'chai';
import { Agency, AuditEvent, type District, type User } from '../../models/index.js';
import { Inspection, InspectionFinding } from '../../models/Inspection.js';
import { today } from '../../server/clock.js';
import { addDays } from '../../server/services/calendar.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict } from '../factories/overview.js';
import { type Agent, loginAs, postForm } from '../support/agent.js';

describe('inspections (督查, #17): opened with findings, answered by the district, rectified by a deadline and closed, all on the record', () => {
  let district: District;
  let officer: User;
  let inspector: Agent;
  let districtOfficer: Agent;
  let inspection: Inspection;
  const title = `儿童主任配备专项督查${Date.now()}`;
  const findingIds = async () => (await InspectionFinding.findAll({ where: { inspectionId: inspection.id }, order: [['seq', 'ASC']] })).map((f) => f.id);
  const step = (agent: Agent, findingId: number, name: string, fields: Record<string, string> = {}) =>
    postForm(agent, `/overview/inspections/${inspection.id}/findings/${findingId}/${name}`, fields, `/overview/inspections/${inspection.id}`);

  before(async () => {
    ({ district, officer } = await buildFixtureDistrict(1));
    inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    districtOfficer = await loginAs(officer, TEST_PASSWORD);
  });

  it('an inspector opens one with findings one per line; empty findings or an agency of another district are refused beside the field, the input kept', async () => {
    const empty = await postForm(
      inspector,
      '/overview/inspections',
      { districtId: String(district.id), agencyId: '', title, findings: ' \n ' },
      '/overview/inspections/new',
    );
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain(title).and.to.contain('is-invalid');
    const futianAgency = await Agency.findOne({ where: { kind: 'civil_affairs', districtId: (await buildUser('officer')).user.districtId } });
    const wrong = await postForm(
      inspector,
      '/overview/inspections',
      { districtId: String(district.id), agencyId: String(futianAgency!.id), title, findings: '问题一' },
      '/overview/inspections/new',
    );
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('购买主体须属于所选的区');
    const res = await postForm(
      inspector,
      '/overview/inspections',
      { districtId: String(district.id), agencyId: '', title, findings: '部分街道未配备专职儿童主任\n\n儿童主任培训记录不全' },
      '/overview/inspections/new',
    );
    expect(res.status).to.equal(303);
    inspection = (await Inspection.findOne({ where: { title } }))!;
    expect(res.headers.location).to.equal(`/overview/inspections/${inspection.id}`);
    expect(await InspectionFinding.count({ where: { inspectionId: inspection.id } })).to.equal(2);
    expect(await AuditEvent.count({ where: { action: 'inspection.open', recordId: String(inspection.id) } })).to.equal(1);
  });

  it("a district inspector cannot open one of another district; another district's staff do not see it", async () => {
    const futian = await loginAs((await buildUser('inspector', { districtCode: 'FT' })).user, TEST_PASSWORD);
    const res = await postForm(
      futian,
      '/overview/inspections',
      { districtId: String(district.id), title: '越权', findings: '问题' },
      '/overview/inspections/new',
    );
    expect(res.status).to.equal(403);
    expect((await futian.get('/overview/inspections')).text).not.to.contain(title);
    expect((await futian.get(`/overview/inspections/${inspection.id}`)).status).to.equal(404);
  });

  it("the district's officer finds the findings in the to-do list and answers them; the inspector cannot answer, the officer cannot close", async () => {
    const inbox = (await districtOfficer.get('/inbox').expect(200)).text;
    expect(inbox).to.contain(title).and.to.contain('待答复或待整改的督查问题');
    const [first, second] = await findingIds();
    expect((await step(districtOfficer, first, 'answer', { text: ' ' })).status).to.equal(422);
    expect((await step(inspector, first, 'answer', { text: '已配备' })).status).to.equal(403);
    expect((await step(districtOfficer, first, 'accept')).status).to.equal(403);
    expect((await step(districtOfficer, first, 'answer', { text: '已于本月补配 2 名专职儿童主任' })).status).to.equal(303);
    expect((await step(districtOfficer, first, 'answer', { text: '再答一次' })).status, 'answered once').to.equal(409);
    expect((await step(districtOfficer, second, 'answer', { text: '培训记录正在补录' })).status).to.equal(303);
    const page = (await inspector.get(`/overview/inspections/${inspection.id}`).expect(200)).text;
    expect(page).to.contain('已于本月补配 2 名专职儿童主任').and.to.contain('已答复待审核');
    expect((await inspector.get('/inbox').expect(200)).text).to.contain('待审核的督查答复与整改');
  });

  it('the inspector closes one finding and requires a rectification of the other by a deadline (not in the past), which the district reports', async () => {
    const [first, second] = await findingIds();
    expect((await step(inspector, first, 'accept')).status).to.equal(303);
    expect((await step(inspector, first, 'accept')).status, 'closed once').to.equal(409);
    const past = await step(inspector, second, 'require', { text: '补齐培训台账', deadline: addDays(today(), -1) });
    expect(past.status).to.equal(422);
    expect(past.text).to.contain('整改期限不能早于今天').and.to.contain('补齐培训台账');
    const deadline = addDays(today(), 30);
    expect((await step(inspector, second, 'require', { text: '补齐培训台账', deadline })).status).to.equal(303);
    expect(await InspectionFinding.findByPk(second)).to.include({ status: 'rectifying', deadline });
    expect((await step(districtOfficer, second, 'report', { text: '台账已补齐并上传' })).status).to.equal(303);
  });

  it('the inspection closes only when every finding is closed, and nothing changes after', async () => {
    const [, second] = await findingIds();
    const early = await postForm(inspector, `/overview/inspections/${inspection.id}/close`, {}, `/overview/inspections/${inspection.id}`);
    expect(early.status).to.equal(409);
    expect(early.text).to.contain('还有 1 个问题未销号');
    expect((await step(inspector, second, 'accept')).status).to.equal(303);
    expect((await postForm(inspector, `/overview/inspections/${inspection.id}/close`, {}, `/overview/inspections/${inspection.id}`)).status).to.equal(303);
    expect((await Inspection.findByPk(inspection.id))?.status).to.equal('closed');
    expect((await step(inspector, second, 'require', { text: '再整改', deadline: addDays(today(), 5) })).status).to.equal(409);
    const actions = (await AuditEvent.findAll({ where: { recordType: 'inspection', recordId: String(inspection.id) }, order: [['seq', 'ASC']] })).map(
      (e) => e.action,
    );
    expect(actions).to.deep.equal([
      'inspection.open',
      'inspection.answer',
      'inspection.answer',
      'inspection.accept',
      'inspection.require',
      'inspection.report',
      'inspection.accept',
      'inspection.close',
    ]);
    expect((await districtOfficer.get('/inbox').expect(200)).text).not.to.contain(title);
  });
});
