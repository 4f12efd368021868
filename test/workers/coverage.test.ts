import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Community } from '../../models/Community.js';
import { AuditEvent, SubDistrict } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { buildUser, district, unique } from '../factories/index.js';
import { buildWorker, idNumber, mobile } from '../factories/workers.js';
import { csrf, fieldError, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

/** A sub-district of its own for a test: created under the district, so its communities are the test's alone. */
async function freshSubDistrict(code: string) {
  const d = await district(code);
  return SubDistrict.create({ districtId: d.id, name: unique('测试街道'), kind: 'subdistrict', sortOrder: 999 });
}

describe('communities and coverage (#21)', () => {
  it('the administrator imports a district’s communities from a pasted list; a line naming no sub-district of the district refuses it all beside the field', async () => {
    const { agent } = await signedIn('admin', 'SZ');
    const sub = await freshSubDistrict('LG');
    const lg = await district('LG');
    const a = unique('甲社区');
    const b = unique('乙社区');
    const typed = await buildWorker({ districtCode: 'LG', subDistrictId: sub.id, name: unique('已填社区') });
    await typed.worker.update({ community: a });
    const bad = await postForm(agent, `/reference/districts/${lg.id}/communities`, { communities: `${sub.name} ${a}\n不存在街道 ${b}` });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'communities')).to.contain('第 2 行');
    expect(bad.text).to.contain(a);
    expect(await Community.count({ where: { subDistrictId: sub.id } })).to.equal(0);
    const ok = await postForm(agent, `/reference/districts/${lg.id}/communities`, { communities: `${sub.name},${a}\n${sub.name}\t${b}\n` });
    expect(ok.status).to.equal(302);
    expect((await Community.findAll({ where: { subDistrictId: sub.id }, order: [['sortOrder', 'ASC']] })).map((c) => c.name)).to.deep.equal([a, b]);
    const again = await postForm(agent, `/reference/districts/${lg.id}/communities`, { communities: `${sub.name} ${a}` });
    expect(again.status).to.equal(302);
    expect(await Community.count({ where: { subDistrictId: sub.id } })).to.equal(2);
    await typed.worker.reload();
    expect(typed.worker.communityId).to.equal((await Community.findOne({ where: { subDistrictId: sub.id, name: a } }))!.id);
    expect(await AuditEvent.count({ where: { action: 'reference.community_import', recordId: String(lg.id) } })).to.be.at.least(2);
    const page = await agent.get(`/reference/districts/${lg.id}/communities`);
    expect(page.text).to.contain(a).and.contain(b);

    const { agent: officer } = await signedIn('officer', 'LG');
    expect((await officer.get(`/reference/districts/${lg.id}/communities`)).status).to.equal(200);
    expect((await postForm(officer, `/reference/districts/${lg.id}/communities`, { communities: `${sub.name} x` })).status).to.equal(403);
  });

  it('the administrator imports communities from an uploaded CSV or XLSX file; a row naming no sub-district refuses it all beside the file field', async () => {
    const { agent } = await signedIn('admin', 'SZ');
    const sub = await freshSubDistrict('LG');
    const lg = await district('LG');
    const [a, b, c] = [unique('甲社区'), unique('乙社区'), unique('丙社区')];
    const post = async (file: Buffer, name: string) => {
      const token = await csrf(agent, `/reference/districts/${lg.id}/communities`);
      return agent.post(`/reference/districts/${lg.id}/communities/file?_csrf=${encodeURIComponent(token)}`).attach('file', file, name);
    };
    const bad = await post(Buffer.from(`\uFEFF街道,社区\r\n${sub.name},${a}\r\n不存在街道,${b}\r\n`, 'utf8'), '社区.csv');
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'file')).to.contain('第 3 行');
    expect(await Community.count({ where: { subDistrictId: sub.id } })).to.equal(0);
    const csv = await post(Buffer.from(`\uFEFF街道,社区\r\n${sub.name},${a}\r\n${sub.name},${b}\r\n`, 'utf8'), '社区.csv');
    expect(csv.status).to.equal(302);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('社区');
    sheet.addRow(['街道', '社区']);
    sheet.addRow([sub.name, b]);
    sheet.addRow([sub.name, c]);
    const xlsx = await post(Buffer.from(await book.xlsx.writeBuffer()), '社区.xlsx');
    expect(xlsx.status).to.equal(302);
    expect((await Community.findAll({ where: { subDistrictId: sub.id }, order: [['sortOrder', 'ASC']] })).map((x) => x.name)).to.deep.equal([a, b, c]);
    const picture = await post(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), '社区.csv');
    expect(picture.status).to.equal(422);
    const { agent: officer } = await signedIn('officer', 'LG');
    const token = await csrf(officer, `/reference/districts/${lg.id}/communities`);
    const refused = await officer
      .post(`/reference/districts/${lg.id}/communities/file?_csrf=${encodeURIComponent(token)}`)
      .attach('file', Buffer.from(`${sub.name},x`), 'x.csv');
    expect(refused.status).to.equal(403);
  });

  it('the administrator renames a community (its workers follow) and retires one: no new workers, out of coverage; restored, it counts again', async () => {
    const { agent } = await signedIn('admin', 'SZ');
    const sub = await freshSubDistrict('GM');
    const gm = await district('GM');
    const [a, b] = await Promise.all(['甲社区', '乙社区'].map((n, i) => Community.create({ subDistrictId: sub.id, name: unique(n), sortOrder: i + 1 })));
    const { worker } = await buildWorker({ districtCode: 'GM', subDistrictId: sub.id, employment: 'full_time' });
    await worker.update({ communityId: a.id, community: a.name });
    const base = `/reference/districts/${gm.id}/communities`;
    const newName = unique('丙社区');
    expect((await postForm(agent, `${base}/${a.id}/rename`, { name: newName }, base)).status).to.equal(302);
    expect((await a.reload()).name).to.equal(newName);
    expect((await worker.reload()).community).to.equal(newName);
    const clash = await postForm(agent, `${base}/${a.id}/rename`, { name: b.name }, base);
    expect(clash.status).to.equal(422);
    expect(clash.text).to.contain('data-testid="rename-error"').and.contain('该街道已有同名社区');
    const other = await district('LH');
    expect((await postForm(agent, `/reference/districts/${other.id}/communities/${a.id}/retire`, {}, base)).status).to.equal(404);

    expect((await postForm(agent, `${base}/${b.id}/retire`, {}, base)).status).to.equal(302);
    expect((await postForm(agent, `${base}/${b.id}/retire`, {}, base)).status).to.equal(409);
    const { agent: officer } = await signedIn('officer', 'GM');
    const coverage = await officer.get(`/workers/coverage?subDistrictId=${sub.id}`);
    expect(coverage.text).to.contain(newName).and.not.contain(b.name);
    const form = await officer.get('/workers/new');
    expect(form.text).to.not.contain(`<option value="${b.name}">`);
    const refused = await postForm(officer, '/workers', {
      kind: 'director',
      name: unique('李'),
      idNumber: idNumber(),
      phone: mobile(),
      districtId: String(gm.id),
      subDistrictId: String(sub.id),
      employment: 'part_time',
      community: b.name,
    });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'community')).to.contain('已停用');
    expect((await postForm(officer, `${base}/${b.id}/restore`, {}, base)).status).to.equal(403);
    expect((await postForm(agent, `${base}/${b.id}/restore`, {}, base)).status).to.equal(302);
    expect((await officer.get(`/workers/coverage?subDistrictId=${sub.id}`)).text).to.contain(b.name);
    const actions = (await AuditEvent.findAll({ where: { recordType: 'community', recordId: [String(a.id), String(b.id)] }, order: [['seq', 'ASC']] })).map(
      (e) => e.action,
    );
    expect(actions).to.deep.equal(['reference.community_rename', 'reference.community_retire', 'reference.community_restore']);
  });

  it('places a registered worker in a community of the list, and refuses a name not on it beside the field', async () => {
    const { agent } = await signedIn('officer', 'LG');
    const sub = await freshSubDistrict('LG');
    const lg = await district('LG');
    const listed = await Community.create({ subDistrictId: sub.id, name: unique('名单社区'), sortOrder: 1 });
    const fields = {
      kind: 'director',
      name: unique('张'),
      idNumber: idNumber(),
      phone: mobile(),
      districtId: String(lg.id),
      subDistrictId: String(sub.id),
      employment: 'full_time',
    };
    const form = await agent.get('/workers/new');
    expect(form.text).to.contain('list="communities-list"').and.contain(`<option value="${listed.name}">${sub.name}</option>`);
    const refused = await postForm(agent, '/workers', { ...fields, community: '不在名单社区' });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'community')).to.contain('名单中没有这个社区');
    const ok = await postForm(agent, '/workers', { ...fields, community: listed.name });
    expect(ok.status).to.equal(302);
    const worker = await ChildWorker.findOne({ where: { name: fields.name } });
    expect(worker!.communityId).to.equal(listed.id);
  });

  it('shows per community and sub-district a full-time director, a part-time one only, or none, and exports it', async () => {
    const { agent, user } = await signedIn('officer', 'BA');
    const sub = await freshSubDistrict('BA');
    const [full, part, none, gone] = await Promise.all(
      ['专职社区', '兼职社区', '空白社区', '离岗社区'].map((n, i) => Community.create({ subDistrictId: sub.id, name: unique(n), sortOrder: i + 1 })),
    );
    const place = async (c: Community, employment: 'full_time' | 'part_time', kind: 'director' | 'supervisor' = 'director') => {
      const { worker } = await buildWorker({ districtCode: 'BA', subDistrictId: sub.id, employment, kind });
      await worker.update({ communityId: c.id, community: c.name });
      return worker;
    };
    await place(full, 'full_time');
    await place(full, 'part_time');
    await place(part, 'part_time');
    await place(none, 'full_time', 'supervisor');
    const left = await place(gone, 'full_time');
    await left.update({ status: 'inactive' });

    const res = await agent.get(`/workers/coverage?subDistrictId=${sub.id}`);
    expect(res.status).to.equal(200);
    const level = (name: string) => new RegExp(`data-testid="coverage-row" data-name="${name}" data-level="([a-z_]+)"`).exec(res.text)?.[1];
    expect([level(full.name), level(part.name), level(none.name), level(gone.name)]).to.deep.equal(['full_time', 'part_time', 'none', 'none']);
    const row = new RegExp(`data-testid="coverage-sub-district" data-name="${sub.name}">([\\s\\S]*?)</tr>`).exec(res.text)![1];
    expect(row)
      .to.match(/data-testid="full">1</)
      .and.match(/data-testid="part">1</)
      .and.match(/data-testid="none">2</)
      .and.contain('25%');

    const onlyNone = await agent.get(`/workers/coverage?subDistrictId=${sub.id}&coverage=none`);
    expect(onlyNone.text).to.contain(none.name).and.contain(gone.name).and.not.contain(`data-name="${full.name}"`);

    const csv = await agent.get(`/workers/coverage?subDistrictId=${sub.id}&format=csv`);
    expect(csv.status).to.equal(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).to.have.length(5);
    expect(lines.find((l) => l.includes(full.name))).to.contain(',1,1,');
    expect(await AuditEvent.count({ where: { action: 'child_worker.export_coverage', actorId: user.id } })).to.equal(1);

    const { agent: other } = await signedIn('officer', 'NS');
    expect((await other.get(`/workers/coverage?subDistrictId=${sub.id}`)).text).to.not.contain(full.name);
  });
});
