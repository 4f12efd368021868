import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { StoredFile } from '../../models/index.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import { buildContract } from '../factories/contracts.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { actorOf } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { type Agent, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { jpegWithGps } from '../support/files.js';

/**
 * Issue #12: a returned deliverable reaches its organisation, is corrected beside the reviewer's
 * comments, and what the correction takes off is off.
 */

const uploadToken = async (agent: Agent) => encodeURIComponent(csrfFrom((await agent.get('/')).text));
const fullVisits = { m_visits: '30', m_households: '25', m_followUps: '5' };

async function saveDraft(agent: Agent, id: number, fields: Record<string, string>, file?: { bytes: Buffer; name: string }) {
  let req = agent.post(`/deliverables/${id}/draft?_csrf=${await uploadToken(agent)}`).field('_version', await versionNow((await Deliverable.findByPk(id))!));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('files', file.bytes, file.name);
  const res = await req;
  expect(res.status, res.text.slice(0, 400)).to.equal(302);
}

const fileNamesOf = async (versionId: number) =>
  (await DeliverableFile.findAll({ where: { versionId }, include: [{ model: StoredFile, as: 'storedFile' }], order: [['id', 'ASC']] })).map(
    (f) => f.storedFile!.originalName,
  );

/** A home-visit deliverable handed in with a photo and a sign-in sheet, then returned by the officer with comments. */
async function returnedDeliverable() {
  const built = await buildDeliverableContract();
  const [d] = built.deliverables;
  const org = await loginAs(built.orgUser, TEST_PASSWORD);
  await saveDraft(org, d.id, { ...fullVisits, purpose: 'photo', narrative: '第一季度探访' }, { bytes: jpegWithGps(), name: '探访照片.jpg' });
  await saveDraft(
    org,
    d.id,
    { ...fullVisits, purpose: 'sign_in', narrative: '第一季度探访' },
    { bytes: Buffer.from('日期,户数\n2026-03-01,5\n'), name: '签到表.csv' },
  );
  expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
  const officer = await loginAs(built.officer, TEST_PASSWORD);
  const returned = await postForm(officer, `/deliverables/${d.id}/return`, {
    c_general: '请更换签到表',
    c_files: '签到表缺少签名，请删除后重新上传',
    c_visits: '探访次数与签到表不符',
  });
  expect(returned.status).to.equal(302);
  return { built, d, org, officer };
}

describe('deliverables: correcting a returned deliverable (#12)', () => {
  it('a file removed in the correction is not in the new version nor accepted with it; the returned version keeps it, readable', async () => {
    const { d, org, officer } = await returnedDeliverable();
    const form = await org.get(`/deliverables/${d.id}/edit`);
    expect(form.status).to.equal(200);
    const box = /name="(remove_\d+)"[^>]*>\s*<label[^>]*>[^<]*<a [^>]*>签到表\.csv</.exec(form.text);
    expect(box, 'a remove box for the sign-in sheet').to.not.equal(null);
    await saveDraft(
      org,
      d.id,
      { ...fullVisits, m_visits: '28', purpose: 'sign_in', narrative: '已更换签到表', [box![1]]: '1' },
      {
        bytes: Buffer.from('日期,户数,签名\n2026-03-01,5,有\n'),
        name: '签到表-已签名.csv',
      },
    );
    const versions = await DeliverableVersion.findAll({ where: { deliverableId: d.id }, order: [['version', 'ASC']] });
    expect(versions.map((v) => v.status)).to.deep.equal(['returned', 'draft']);
    expect(await fileNamesOf(versions[1].id)).to.deep.equal(['探访照片.jpg', '签到表-已签名.csv']);
    expect(await fileNamesOf(versions[0].id)).to.deep.equal(['探访照片.jpg', '签到表.csv']);

    expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    expect((await postForm(officer, `/deliverables/${d.id}/accept`, {})).status).to.equal(302);
    expect((await Deliverable.findByPk(d.id))!).to.include({ status: 'accepted', acceptedVersion: 2 });
    expect(await fileNamesOf(versions[1].id)).to.deep.equal(['探访照片.jpg', '签到表-已签名.csv']);
    const old = (await DeliverableFile.findAll({ where: { versionId: versions[0].id }, include: [{ model: StoredFile, as: 'storedFile' }] })).find(
      (f) => f.storedFile!.originalName === '签到表.csv',
    )!;
    for (const agent of [org, officer]) {
      const res = await agent.get(`/deliverables/${d.id}/files/${old.storedFileId}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('2026-03-01,5');
    }
    const page = await org.get(`/deliverables/${d.id}`);
    const accepted = page.text.slice(page.text.indexOf('data-version="2"'), page.text.indexOf('data-version="1"'));
    expect(accepted).to.include('签到表-已签名.csv');
    expect(accepted).not.to.include('签到表.csv<');
  });

  it('a file removed from a draft that was never handed in is removed too', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    await saveDraft(org, d.id, { m_visits: '3', purpose: 'photo' }, { bytes: jpegWithGps(), name: '错误照片.jpg' });
    const form = await org.get(`/deliverables/${d.id}/edit`);
    const box = /name="(remove_\d+)"/.exec(form.text)!;
    await saveDraft(org, d.id, { m_visits: '3', purpose: 'photo', [box[1]]: '1' });
    const [version] = await DeliverableVersion.findAll({ where: { deliverableId: d.id } });
    expect(await fileNamesOf(version.id)).to.deep.equal([]);
  });

  it('the organisation sees a returned deliverable on its dashboard, and the reviewer’s comments beside the fields they are about while correcting', async () => {
    const { d, org } = await returnedDeliverable();
    const dashboard = (await org.get('/')).text;
    expect(dashboard).to.match(/退回待修改的服务成果<\/div>\s*<div class="fs-3 fw-semibold"><a href="\/deliverables\?status=returned">1<\/a>/);
    const list = (await org.get('/deliverables?status=returned')).text;
    expect([...list.matchAll(/data-testid="deliverable-row" data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal([d.id]);

    for (const step of ['returned', 'correction saved as a draft']) {
      const form = (await org.get(`/deliverables/${d.id}/edit`)).text;
      expect(form, step).to.match(/data-testid="review-general"[\s\S]*请更换签到表/);
      expect(/id="f-m_visits"[^>]*aria-describedby="[^"]*f-m_visits-note/.test(form), step).to.equal(true);
      expect(/id="f-m_visits-note"[^>]*>[\s\S]*?探访次数与签到表不符/.test(form), step).to.equal(true);
      expect(/data-testid="current-files"[\s\S]*?签到表缺少签名，请删除后重新上传[\s\S]*?签到表\.csv/.test(form), step).to.equal(true);
      expect(form, step).not.to.include('id="f-m_households-note"');
      await saveDraft(org, d.id, { ...fullVisits, purpose: 'report' });
    }
    expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    expect((await org.get('/')).text).to.match(/退回待修改的服务成果<\/div>\s*<div class="fs-3 fw-semibold"><a href="[^"]*">0<\/a>/);
  });

  it('marks the figures a hand-in needs as required and says a draft may be saved without them', async () => {
    const built = await buildDeliverableContract();
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const form = (await org.get(`/deliverables/${built.deliverables[0].id}/edit`)).text;
    for (const name of ['m_visits', 'm_households', 'm_followUps']) expect(new RegExp(`id="f-${name}"[^>]*required`).test(form), name).to.equal(true);
    expect(form).to.include('data-testid="required-hint"');
  });

  it('a photo and a sign-in sheet go in one save, each as what it is (one file input per kind)', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const form = (await org.get(`/deliverables/${d.id}/edit`)).text;
    for (const name of ['files_photo', 'files_sign_in', 'files_report', 'files_other']) expect(form).to.include(`name="${name}"`);
    const res = await org
      .post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(org)}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '3')
      .attach('files_photo', jpegWithGps(), '探访照片.jpg')
      .attach('files_sign_in', Buffer.from('日期,户数\n2026-03-01,5\n'), '签到表.csv');
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    const links = await DeliverableFile.findAll({ where: { deliverableId: d.id }, include: [{ model: StoredFile, as: 'storedFile' }], order: [['id', 'ASC']] });
    expect(links.map((l) => [l.storedFile!.originalName, l.purpose])).to.deep.equal([
      ['探访照片.jpg', 'photo'],
      ['签到表.csv', 'sign_in'],
    ]);
  });

  it('a refused rule is shown on the record’s own page with the input kept: saving or reviewing on a contract no longer active', async () => {
    const { built, d, org } = await returnedDeliverable();
    await contractTerminator(built.contract.id, '服务机构无法继续履约', { actor: actorOf(built.officer) });
    const token = await uploadToken(org);
    const saved = await org
      .post(`/deliverables/${d.id}/draft?_csrf=${token}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '41')
      .field('narrative', '已更换签到表，请审核');
    expect(saved.status).to.equal(409);
    expect(saved.text).to.include('data-testid="deliverable-form"');
    expect(saved.text).to.match(/data-testid="refusal"[^>]*>[^<]*合同/);
    expect(saved.text).to.include('value="41"');
    expect(saved.text).to.include('已更换签到表，请审核');
  });

  it('an officer’s review refused on a contract no longer active keeps the comments typed, on the deliverable’s page', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    await saveDraft(org, d.id, fullVisits);
    expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    await contractTerminator(built.contract.id, '服务机构无法继续履约', { actor: actorOf(built.officer) });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const res = await postForm(officer, `/deliverables/${d.id}/return`, { c_general: '签到表缺少签名' });
    expect(res.status).to.equal(409);
    expect(res.text).to.include('data-testid="refusal"');
    expect(res.text).to.include('data-testid="facts"');
  });
});

describe('deliverables: empty lists say who provides what is missing (#12)', () => {
  it('without a reporting schedule, the organisation is told the officer sets it; the officer gets the way to set it', async () => {
    const built = await buildContract({ status: 'active' });
    const { user } = await buildUser('org', { organisation: built.organisation });
    const org = await loginAs(user, TEST_PASSWORD);
    const list = (await org.get('/deliverables')).text;
    expect(list).to.match(/data-testid="empty">还没有要交的服务成果：合同生效后，由该区业务经办人设定合同的报送计划/);
    expect((await org.get('/deliverables?status=returned')).text).to.include('data-testid="empty">没有符合条件的服务成果。');
    const contractPage = (await org.get(`/contracts/${built.contract.id}`)).text;
    expect(contractPage).to.match(/data-testid="schedule">尚未设置报送计划：由该合同所在区的业务经办人设定/);
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const officerPage = (await officer.get(`/contracts/${built.contract.id}`)).text;
    expect(officerPage).to.match(/data-testid="schedule">尚未设置报送计划：请点击“报送计划”设定/);
    expect(officerPage).to.include(`href="/contracts/${built.contract.id}/reporting"`);
  });
});
