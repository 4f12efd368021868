import fs from 'node:fs';
import { versionNow } from '../support/forms.js';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { AGENCY_KINDS } from '../../models/Agency.js';
import { Agency, AuditEvent, District, SubDistrict } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { projectRoot } from '../../server/config.js';
import { buildUser, district, unique } from '../factories/index.js';
import { type Agent, anonymous, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

type Seed = {
  city: { code: string; gbCode: string };
  districts: { code: string; name: string; gbCode: string | null; kind: string; subdistricts: string[] }[];
};
const seed: Seed = JSON.parse(fs.readFileSync(path.join(projectRoot, 'server/migrations/data/shenzhen-districts.json'), 'utf8'));

const GB_CODES: Record<string, string | null> = {
  SZ: '440300',
  FT: '440304',
  LH: '440303',
  NS: '440305',
  YT: '440308',
  BA: '440306',
  LG: '440307',
  LHUA: '440309',
  PS: '440310',
  GM: '440311',
  DP: null,
  SS: null,
};

async function signedIn(role: Role, districtCode?: string): Promise<Agent> {
  const { user, password } = await buildUser(role, districtCode ? { districtCode } : {});
  return loginAs(user, password);
}

/** The last audit event of an action on a record. */
function lastEvent(action: string, recordType: string, recordId: number) {
  return AuditEvent.findOne({ where: { action, recordType, recordId: String(recordId) }, order: [['seq', 'DESC']] });
}

/** Counts the SQL statements that read `table` while `fn` runs. */
async function statementsOn(table: string, fn: () => Promise<unknown>): Promise<number> {
  // Sequelize reads `options.logging` at each query, so swapping it counts this request's SQL.
  const s = testSequelize() as unknown as { options: { logging: unknown } };
  const previous = s.options.logging;
  let count = 0;
  s.options.logging = (sql: string) => {
    if (sql.includes(`FROM \`${table}\``)) count += 1;
  };
  try {
    await fn();
  } finally {
    s.options.logging = previous;
  }
  return count;
}

/** The districts the migrations seed: other tests' fixture districts (测试区…, test/factories/overview.ts) left out. */
const seededDistricts = async () => (await District.findAll()).filter((d) => !d.name.startsWith('测试区'));

describe('reference data', () => {
  describe('what the migrations seed', () => {
    it('has the city level and 11 districts, with GB codes where they exist', async () => {
      const districts = await seededDistricts();
      expect(districts.map((d) => d.code).sort()).to.deep.equal(Object.keys(GB_CODES).sort());
      for (const d of districts) expect(d.gbCode, d.code).to.equal(GB_CODES[d.code]);
      const kinds = Object.fromEntries(districts.map((d) => [d.code, d.kind]));
      expect(kinds).to.include({ SZ: 'city', FT: 'district', DP: 'new_district', SS: 'cooperation_zone' });
    });

    it('has the 78 sub-districts, the 深汕 ones as towns (镇)', async () => {
      expect(seed.districts.reduce((n, d) => n + d.subdistricts.length, 0)).to.equal(78);
      const ids = new Map((await District.findAll()).map((d) => [d.code, d.id]));
      const rows = await SubDistrict.findAll();
      let found = 0;
      for (const d of seed.districts) {
        for (const name of d.subdistricts) {
          const row = rows.find((r) => r.districtId === ids.get(d.code) && r.name === name);
          expect(row, `${d.code} ${name}`).to.not.equal(undefined);
          expect(row!.kind, name).to.equal(d.code === 'SS' ? 'town' : 'subdistrict');
          found += 1;
        }
      }
      expect(found).to.equal(78);
      expect(rows.filter((r) => r.districtId === ids.get('SS')).map((r) => r.name)).to.include.members(['鹅埠镇', '小漠镇', '鲘门镇', '赤石镇']);
      expect(rows.filter((r) => r.districtId === ids.get('SZ'))).to.have.length(0);
    });

    it('has an agency of every kind in every district, with 大鹏 and 深汕 names of their own', async () => {
      const districts = await seededDistricts();
      const agencies = await Agency.findAll();
      for (const d of districts) {
        for (const kind of AGENCY_KINDS) {
          expect(
            agencies.some((a) => a.districtId === d.id && a.kind === kind),
            `${d.code} ${kind}`,
          ).to.equal(true);
        }
      }
      const nameOf = (code: string, kind: string) =>
        agencies.filter((a) => a.districtId === districts.find((d) => d.code === code)!.id && a.kind === kind).map((a) => a.name);
      expect(nameOf('DP', 'civil_affairs')).to.include('大鹏新区统战和社会建设局');
      expect(nameOf('DP', 'finance')).to.include('大鹏新区发展和财政局');
      expect(nameOf('SS', 'finance')).to.include('深汕特别合作区发展改革和财政局');
      expect(nameOf('SS', 'civil_affairs')).to.include('深汕特别合作区统战和社会建设局');
      expect(nameOf('FT', 'civil_affairs')).to.include('福田区民政局');
      expect(nameOf('SZ', 'civil_affairs')).to.include('深圳市民政局');
    });
  });

  describe('reading', () => {
    for (const role of ['admin', 'officer', 'finance', 'evaluator', 'inspector'] as const) {
      it(`lets ${role} read the districts and a district`, async () => {
        const agent = await signedIn(role);
        const list = await agent.get('/reference/districts');
        expect(list.status).to.equal(200);
        expect(list.text.match(/data-testid="district-[A-Z]+"/g)).to.have.length(12);
        const ft = await district('FT');
        const page = await agent.get(`/reference/districts/${ft.id}`);
        expect(page.status).to.equal(200);
        expect(page.text).to.contain('福田区民政局').and.to.contain('华强北街道');
      });
    }

    it('shows codes, GB codes (a dash for 大鹏 and 深汕), kinds and counts', async () => {
      const agent = await signedIn('officer');
      const res = await agent.get('/reference/districts');
      const row = (code: string) => {
        const m = new RegExp(`<tr data-testid="district-${code}">([\\s\\S]*?)</tr>`).exec(res.text);
        expect(m, code).to.not.equal(null);
        return m![1].replace(/\s+/g, ' ');
      };
      const ft = await district('FT');
      const [subs, agencies] = await Promise.all([SubDistrict.count({ where: { districtId: ft.id } }), Agency.count({ where: { districtId: ft.id } })]);
      expect(row('FT')).to.contain('福田区').and.to.contain('Futian').and.to.contain('440304').and.to.contain('行政区');
      expect(row('FT')).to.contain(`<td class="text-end">${subs}</td>`).and.to.contain(`<td class="text-end">${agencies}</td>`);
      expect(row('DP')).to.contain('<td class="mono">—</td>').and.to.contain('新区（功能区）');
      expect(row('SS')).to.contain('<td class="mono">—</td>').and.to.contain('特别合作区（功能区）');
      expect(row('SZ')).to.contain('440300').and.to.contain('市级');
    });

    it('counts sub-districts and agencies in a constant number of queries', async () => {
      const agent = await signedIn('inspector');
      expect(await statementsOn('sub_districts', () => agent.get('/reference/districts'))).to.equal(1);
      expect(await statementsOn('agencies', () => agent.get('/reference/districts'))).to.be.at.most(2);
    });

    it('shows 深汕 towns as 镇, and labels in English when asked', async () => {
      const agent = await signedIn('evaluator');
      const ss = await district('SS');
      const zh = await agent.get(`/reference/districts/${ss.id}`);
      expect(zh.text).to.contain('鲘门镇').and.to.contain('<td>镇</td>').and.to.contain('深汕特别合作区发展改革和财政局');
      await postForm(agent, '/lang', { lang: 'en' });
      const en = await agent.get(`/reference/districts/${ss.id}`);
      expect(en.text).to.contain('<td>Town</td>').and.to.contain('Finance').and.to.contain('Special cooperation zone');
    });

    it('refuses organisation users (403) and sends anonymous visitors to sign in', async () => {
      const org = await signedIn('org');
      expect((await org.get('/reference/districts')).status).to.equal(403);
      const ft = await district('FT');
      expect((await org.get(`/reference/districts/${ft.id}`)).status).to.equal(403);
      const res = await anonymous().get('/reference/districts').set('Accept', 'text/html');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/login\?next=/);
    });

    it('shows edit controls to the administrator only', async () => {
      const ft = await district('FT');
      const admin = await (await signedIn('admin')).get(`/reference/districts/${ft.id}`);
      expect(admin.text).to.contain('data-testid="edit-district"').and.to.contain('data-testid="add-sub-district"').and.to.contain('data-testid="add-agency"');
      expect(admin.text).to.contain('/deactivate');
      const officer = await (await signedIn('officer')).get(`/reference/districts/${ft.id}`);
      expect(officer.text).to.not.contain('data-testid="edit-district"');
      expect(officer.text).to.not.contain('add-sub-district');
      expect(officer.text).to.not.contain('/deactivate');
      expect(officer.text).to.not.contain('/edit');
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const admin = await signedIn('admin');
      expect((await admin.get('/reference/districts/999999')).status).to.equal(404);
      expect((await admin.get('/reference/districts/999999/edit')).status).to.equal(404);
      expect((await admin.get('/reference/agencies/999999/edit')).status).to.equal(404);
      expect((await admin.get('/reference/sub-districts/999999/edit')).status).to.equal(404);
      expect((await postForm(admin, '/reference/agencies/999999/deactivate', {})).status).to.equal(404);
      expect((await postForm(admin, '/reference/sub-districts/999999', { name: '某街道' })).status).to.equal(404);
      expect((await admin.get('/reference/districts/abc')).status).to.equal(400);
    });

    it('exports the districts as CSV (with BOM) and XLSX', async () => {
      const agent = await signedIn('finance');
      const csv = await agent.get('/reference/districts?format=csv').buffer(true);
      expect(csv.status).to.equal(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.headers['content-disposition']).to.match(/^attachment;/);
      expect(csv.text.charCodeAt(0)).to.equal(0xfeff);
      const lines = csv.text.trim().split('\r\n');
      expect(lines).to.have.length(1 + (await District.count()));
      expect(lines[0]).to.contain('国标代码');
      expect(lines.find((l) => l.startsWith('FT,'))).to.contain('440304');
      expect(lines.find((l) => l.startsWith('DP,'))).to.contain(',—,');
      const xlsx = await agent
        .get('/reference/districts?format=xlsx')
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(xlsx.status).to.equal(200);
      expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
      expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
      expect((await agent.get('/reference/districts?format=pdf')).status).to.equal(400);
    });
  });

  describe('changes by the administrator', () => {
    it("edits a district's names, audited with before and after", async () => {
      const { user, password } = await buildUser('admin');
      const admin = await loginAs(user, password);
      const gm = await district('GM');
      try {
        const form = await admin.get(`/reference/districts/${gm.id}/edit`);
        expect(form.status).to.equal(200);
        expect(form.text).to.contain('value="光明区"');
        const res = await postForm(admin, `/reference/districts/${gm.id}`, {
          _version: await versionNow(gm),
          name: '光明区（测试）',
          nameEn: 'Guangming (test)',
        });
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal(`/reference/districts/${gm.id}`);
        await gm.reload();
        expect(gm.name).to.equal('光明区（测试）');
        expect(gm.nameEn).to.equal('Guangming (test)');
        const event = await lastEvent('reference.district_update', 'district', gm.id);
        expect(event?.actorId).to.equal(user.id);
        expect(event?.districtId).to.equal(gm.id);
        expect(JSON.parse(event!.detail!)).to.deep.equal({
          before: { name: '光明区', nameEn: 'Guangming' },
          after: { name: '光明区（测试）', nameEn: 'Guangming (test)' },
        });
        expect((await admin.get(`/reference/districts/${gm.id}`)).text).to.contain('已保存。');
      } finally {
        await District.update({ name: '光明区', nameEn: 'Guangming' }, { where: { id: gm.id } });
      }
    });

    it('re-renders the district form with 422, the input kept and the error beside the field', async () => {
      const admin = await signedIn('admin');
      const gm = await district('GM');
      const res = await postForm(admin, `/reference/districts/${gm.id}`, { _version: await versionNow(gm), name: '   ', nameEn: 'Kept <English>' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('value="Kept &lt;English&gt;"');
      expect(res.text).to.match(/id="f-name-error">此项为必填项。/);
      expect((await district('GM')).name).to.equal('光明区');
    });

    it('adds a sub-district, audited; a duplicate name answers 422 with the input kept', async () => {
      const admin = await signedIn('admin');
      const ps = await district('PS');
      const name = `${unique('测试')}街道`;
      try {
        const form = await admin.get(`/reference/districts/${ps.id}/sub-districts/new`);
        expect(form.status).to.equal(200);
        const res = await postForm(admin, `/reference/districts/${ps.id}/sub-districts`, { name, kind: 'subdistrict' });
        expect(res.status).to.equal(302);
        const row = await SubDistrict.findOne({ where: { districtId: ps.id, name } });
        expect(row?.kind).to.equal('subdistrict');
        const event = await lastEvent('reference.sub_district_create', 'sub_district', row!.id);
        expect(JSON.parse(event!.detail!)).to.deep.equal({ after: { districtId: ps.id, name, kind: 'subdistrict' } });

        const again = await postForm(admin, `/reference/districts/${ps.id}/sub-districts`, { name: '  坪山街道 ', kind: 'subdistrict' });
        expect(again.status).to.equal(422);
        expect(again.text).to.contain('value="  坪山街道 "');
        expect(again.text).to.match(/is-invalid[^>]*>[\s\S]*?id="f-name-error">该区已有同名的街道（镇）。/);
        expect(await SubDistrict.count({ where: { districtId: ps.id, name: '坪山街道' } })).to.equal(1);
      } finally {
        await SubDistrict.destroy({ where: { districtId: ps.id, name } });
      }
    });

    it('renames a sub-district, audited; a name taken in the district answers 422', async () => {
      const admin = await signedIn('admin');
      const ps = await district('PS');
      const row = await SubDistrict.create({ districtId: ps.id, name: `${unique('旧')}街道`, kind: 'subdistrict', sortOrder: 99 });
      try {
        expect((await admin.get(`/reference/sub-districts/${row.id}/edit`)).text).to.contain(`value="${row.name}"`);
        const newName = `${unique('新')}街道`;
        const res = await postForm(admin, `/reference/sub-districts/${row.id}`, { _version: await versionNow(row), name: newName });
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal(`/reference/districts/${ps.id}`);
        const event = await lastEvent('reference.sub_district_rename', 'sub_district', row.id);
        expect(JSON.parse(event!.detail!)).to.deep.equal({ before: { name: row.name }, after: { name: newName } });
        const taken = await postForm(admin, `/reference/sub-districts/${row.id}`, { _version: await versionNow(row), name: '马峦街道' });
        expect(taken.status).to.equal(422);
        expect(taken.text).to.contain('value="马峦街道"').and.to.contain('该区已有同名的街道（镇）。');
        expect((await SubDistrict.findByPk(row.id))?.name).to.equal(newName);
      } finally {
        await SubDistrict.destroy({ where: { id: row.id } });
      }
    });

    it('refuses a sub-district for the city level (409)', async () => {
      const admin = await signedIn('admin');
      const sz = await district('SZ');
      const res = await postForm(admin, `/reference/districts/${sz.id}/sub-districts`, { name: `${unique('市')}街道`, kind: 'subdistrict' });
      expect(res.status).to.equal(409);
      expect(await SubDistrict.count({ where: { districtId: sz.id } })).to.equal(0);
      expect((await admin.get(`/reference/districts/${sz.id}`)).text).to.not.contain('add-sub-district');
    });

    it('adds an agency, renames it, deactivates and activates it, each audited once', async () => {
      const admin = await signedIn('admin');
      const yt = await district('YT');
      const name = `盐田区${unique('测试')}中心`;
      const created = await postForm(admin, `/reference/districts/${yt.id}/agencies`, { kind: 'minor_protection_centre', name });
      expect(created.status).to.equal(302);
      const agency = await Agency.findOne({ where: { districtId: yt.id, name } });
      try {
        expect(agency?.kind).to.equal('minor_protection_centre');
        expect(agency?.active).to.equal(true);
        expect(JSON.parse((await lastEvent('reference.agency_create', 'agency', agency!.id))!.detail!)).to.deep.equal({
          after: { districtId: yt.id, kind: 'minor_protection_centre', name, active: true },
        });

        const renamed = `${name}（更名）`;
        expect((await postForm(admin, `/reference/agencies/${agency!.id}`, { name: renamed, _version: await versionNow(agency!) })).status).to.equal(302);
        expect(JSON.parse((await lastEvent('reference.agency_rename', 'agency', agency!.id))!.detail!)).to.deep.equal({
          before: { name },
          after: { name: renamed },
        });

        expect((await postForm(admin, `/reference/agencies/${agency!.id}/deactivate`, {})).status).to.equal(302);
        expect((await postForm(admin, `/reference/agencies/${agency!.id}/deactivate`, {})).status).to.equal(302);
        await agency!.reload();
        expect(agency!.active).to.equal(false);
        expect(agency!.name).to.equal(renamed);
        const where = { recordType: 'agency', recordId: String(agency!.id) };
        expect(await AuditEvent.count({ where: { ...where, action: 'reference.agency_deactivate' } }), 'a repeat changes nothing').to.equal(1);
        const page = await admin.get(`/reference/districts/${yt.id}`);
        expect(page.text).to.contain(`/reference/agencies/${agency!.id}/activate`);

        expect((await postForm(admin, `/reference/agencies/${agency!.id}/activate`, {})).status).to.equal(302);
        await agency!.reload();
        expect(agency!.active).to.equal(true);
        const detail = JSON.parse((await lastEvent('reference.agency_activate', 'agency', agency!.id))!.detail!);
        expect(detail).to.deep.equal({ before: { active: false }, after: { active: true } });
      } finally {
        await Agency.destroy({ where: { id: agency!.id } });
      }
    });

    it('re-renders the agency form with 422 on a kind outside the list, keeping the name', async () => {
      const admin = await signedIn('admin');
      const yt = await district('YT');
      const res = await postForm(admin, `/reference/districts/${yt.id}/agencies`, { kind: 'ministry_of_magic', name: '魔法部' });
      expect(res.status).to.equal(422);
      expect(res.text)
        .to.contain('value="魔法部"')
        .and.to.match(/id="f-kind-error">请选择有效的选项。/);
      expect(await Agency.count({ where: { name: '魔法部' } })).to.equal(0);
    });

    it('refuses every change to other roles (403), changing nothing and auditing the refusal', async () => {
      const { user, password } = await buildUser('officer');
      const officer = await loginAs(user, password);
      const ft = await district('FT');
      const agency = await Agency.findOne({ where: { districtId: ft.id, kind: 'civil_affairs' } });
      const sub = await SubDistrict.findOne({ where: { districtId: ft.id } });
      const attempts: [string, Record<string, string>][] = [
        [`/reference/districts/${ft.id}`, { name: '改了', nameEn: 'Changed' }],
        [`/reference/districts/${ft.id}/sub-districts`, { name: '新街道', kind: 'subdistrict' }],
        [`/reference/sub-districts/${sub!.id}`, { name: '改名街道' }],
        [`/reference/districts/${ft.id}/agencies`, { kind: 'education', name: '新单位' }],
        [`/reference/agencies/${agency!.id}`, { name: '改名单位' }],
        [`/reference/agencies/${agency!.id}/deactivate`, {}],
      ];
      for (const [url, fields] of attempts) {
        expect((await postForm(officer, url, fields)).status, url).to.equal(403);
      }
      expect((await officer.get(`/reference/districts/${ft.id}/edit`)).status).to.equal(403);
      expect((await district('FT')).name).to.equal('福田区');
      expect((await Agency.findByPk(agency!.id))?.active).to.equal(true);
      expect(await SubDistrict.count({ where: { name: { [Op.in]: ['新街道', '改名街道'] } } })).to.equal(0);
      const refused = await AuditEvent.count({ where: { action: 'access.refused', actorId: user.id } });
      expect(refused).to.equal(attempts.length + 1);
    });
  });
});
