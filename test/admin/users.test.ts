import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import ExcelJS from 'exceljs';
import { AuditEvent, User } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { userStatusChanger } from '../../server/commands/users/userStatusChanger.js';
import { toActor } from '../../server/auth/passport.js';
import { buildOrganisation, buildUser, district, TEST_PASSWORD, unique } from '../factories/index.js';
import { type Agent, anonymous, binaryParser, csrf, fieldError, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

const NON_ADMIN_ROLES: Role[] = ['officer', 'finance', 'evaluator', 'org', 'inspector'];

async function signedInAdmin(): Promise<{ agent: Agent; admin: User }> {
  const { user, password } = await buildUser('admin');
  return { agent: await loginAs(user, password), admin: user };
}

/** The usernames of the list's rows, in the order shown. */
function listedUsernames(html: string): string[] {
  return [...html.matchAll(/data-testid="user-row" data-username="([^"]+)"/g)].map((m) => m[1]);
}

function shownPassword(html: string): string | null {
  return /data-testid="one-time-password">([^<]+)</.exec(html)?.[1] ?? null;
}

/** Tries to sign in through the form and returns the response (302 on success). */
async function trySignIn(username: string, password: string) {
  const agent = anonymous();
  const token = await csrf(agent, '/login');
  const res = await agent.post('/login').type('form').send({ username, password, _csrf: token });
  return { agent, res };
}

/** Users whose display name carries `tag`, so a test's filters see only its own users. */
async function taggedUsers(tag: string, specs: { role: Role; districtCode?: string; name: string }[]): Promise<User[]> {
  const out: User[] = [];
  for (const s of specs) {
    const { user } = await buildUser(s.role, { districtCode: s.districtCode, username: unique(`${s.name}.`) });
    await user.update({ displayName: `${tag}-${s.name}` });
    out.push(user);
  }
  return out;
}

describe('admin: users', () => {
  describe('who may come in', () => {
    it('sends an anonymous visitor to sign in', async () => {
      const res = await anonymous().get('/admin/users?role=admin').set('Accept', 'text/html');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/login?next=${encodeURIComponent('/admin/users?role=admin')}`);
      const detail = await anonymous().get('/admin/users/1').set('Accept', 'text/html');
      expect(detail.headers.location).to.match(/^\/login\?next=/);
    });

    it('refuses every other role: 403 on the list, the form, the export and every action', async () => {
      const { user: target } = await buildUser('officer');
      for (const role of NON_ADMIN_ROLES) {
        const { user, password } = await buildUser(role);
        const agent = await loginAs(user, password);
        for (const path of ['/admin/users', '/admin/users/new', `/admin/users/${target.id}`, '/admin/users?format=csv']) {
          expect((await agent.get(path).set('Accept', 'text/html')).status, `${role} GET ${path}`).to.equal(403);
        }
        for (const action of ['disable', 'one-time-password', 'end-sessions']) {
          const res = await postForm(agent, `/admin/users/${target.id}/${action}`, {});
          expect(res.status, `${role} POST ${action}`).to.equal(403);
        }
        const created = await postForm(agent, '/admin/users', { username: unique('sneaky.'), displayName: 'x', role: 'admin', districtId: '1' });
        expect(created.status, `${role} POST create`).to.equal(403);
      }
      await target.reload();
      expect(target.status).to.equal('active');
    });

    it('refuses a state change without the CSRF token', async () => {
      const { agent } = await signedInAdmin();
      const { user: target } = await buildUser('officer');
      const res = await agent.post(`/admin/users/${target.id}/disable`).type('form').send({});
      expect(res.status).to.equal(403);
      await target.reload();
      expect(target.status).to.equal('active');
      const wrong = await agent.post(`/admin/users/${target.id}/disable`).type('form').send({ _csrf: 'not-the-token' });
      expect(wrong.status).to.equal(403);
    });

    it('answers 400 for an id that is not a positive integer, 404 for one that does not exist', async () => {
      const { agent } = await signedInAdmin();
      expect((await agent.get('/admin/users/abc').set('Accept', 'text/html')).status).to.equal(400);
      expect((await agent.get('/admin/users/0').set('Accept', 'text/html')).status).to.equal(400);
      expect((await postForm(agent, '/admin/users/-3/disable', {})).status).to.equal(400);
      expect((await agent.get('/admin/users/999999999').set('Accept', 'text/html')).status).to.equal(404);
      expect((await postForm(agent, '/admin/users/999999999/disable', {})).status).to.equal(404);
    });
  });

  describe('the list', () => {
    it('filters by text in username or name, role, district and status', async () => {
      const { agent } = await signedInAdmin();
      const tag = unique('tag');
      const [a, b, c] = await taggedUsers(tag, [
        { role: 'officer', districtCode: 'FT', name: 'alpha' },
        { role: 'finance', districtCode: 'NS', name: 'beta' },
        { role: 'officer', districtCode: 'NS', name: 'gamma' },
      ]);
      await c.update({ status: 'disabled' });
      const list = async (query: string) => {
        const res = await agent.get(`/admin/users?q=${tag}${query}`);
        expect(res.status).to.equal(200);
        return listedUsernames(res.text).sort();
      };
      expect(await list('')).to.deep.equal([a.username, b.username, c.username].sort());
      expect(await list('&role=officer')).to.deep.equal([a.username, c.username].sort());
      const ns = await district('NS');
      expect(await list(`&districtId=${ns.id}`)).to.deep.equal([b.username, c.username].sort());
      expect(await list('&status=disabled')).to.deep.equal([c.username]);
      expect(await list('&status=active&role=finance')).to.deep.equal([b.username]);
      // The text matches usernames too, and a LIKE wildcard in it is only a character.
      const byUsername = await agent.get(`/admin/users?q=${encodeURIComponent(a.username)}`);
      expect(listedUsernames(byUsername.text)).to.deep.equal([a.username]);
      expect(await list('%25')).to.deep.equal([]);
      expect(await list('_')).to.deep.equal([]);
    });

    it('refuses a repeated filter, an unknown sort column or role with 400', async () => {
      const { agent } = await signedInAdmin();
      for (const q of ['q=a&q=b', 'sort=passwordHash', 'role=root', 'status=gone', 'perPage=7', 'format=pdf']) {
        expect((await agent.get(`/admin/users?${q}`).set('Accept', 'text/html')).status, q).to.equal(400);
      }
    });

    it('sorts by the allowed columns both ways, with sortable headers', async () => {
      const { agent } = await signedInAdmin();
      const tag = unique('sort');
      const users = await taggedUsers(tag, [
        { role: 'officer', districtCode: 'NS', name: 'bb' },
        { role: 'officer', districtCode: 'FT', name: 'aa' },
        { role: 'officer', districtCode: 'LH', name: 'cc' },
      ]);
      const byName = [...users].sort((x, y) => x.username.localeCompare(y.username)).map((u) => u.username);
      const asc = await agent.get(`/admin/users?q=${tag}&sort=username&dir=asc`);
      expect(listedUsernames(asc.text)).to.deep.equal(byName);
      expect(asc.text).to.contain('aria-sort="ascending"');
      expect(asc.text).to.contain(`href="/admin/users?page=1&amp;perPage=25&amp;sort=username&amp;dir=desc&amp;q=${tag}"`);
      const desc = await agent.get(`/admin/users?q=${tag}&sort=username&dir=desc`);
      expect(listedUsernames(desc.text)).to.deep.equal([...byName].reverse());
      // District order is the reference order (city, then 福田 before 罗湖 …), not the id or name.
      const districts = await Promise.all(['FT', 'LH', 'NS'].map((c) => district(c)));
      const byDistrict = [...users]
        .sort((x, y) => districts.find((d) => d.id === x.districtId)!.sortOrder - districts.find((d) => d.id === y.districtId)!.sortOrder)
        .map((u) => u.username);
      const byDistrictRes = await agent.get(`/admin/users?q=${tag}&sort=district&dir=asc`);
      expect(listedUsernames(byDistrictRes.text)).to.deep.equal(byDistrict);
      for (const sort of ['displayName', 'role', 'lastSignInAt', 'createdAt']) {
        const res = await agent.get(`/admin/users?q=${tag}&sort=${sort}&dir=desc`);
        expect(res.status, sort).to.equal(200);
        expect(listedUsernames(res.text).sort(), sort).to.deep.equal([...byName].sort());
      }
    });

    it('paginates in the database with a constant number of queries', async () => {
      const { agent } = await signedInAdmin();
      const tag = unique('page');
      const users = await taggedUsers(
        tag,
        Array.from({ length: 12 }, (_, i) => ({ role: (i % 2 ? 'org' : 'officer') as Role, name: `p${String(i).padStart(2, '0')}` })),
      );
      const first = await agent.get(`/admin/users?q=${tag}&perPage=10&sort=displayName`);
      const second = await agent.get(`/admin/users?q=${tag}&perPage=10&sort=displayName&page=2`);
      const names = users.map((u) => u.username);
      expect(listedUsernames(first.text)).to.deep.equal(names.slice(0, 10));
      expect(listedUsernames(second.text)).to.deep.equal(names.slice(10));
      expect(first.text).to.contain('共 12 条');
      expect(first.text).to.contain(`href="/admin/users?page=2&amp;perPage=10&amp;sort=displayName&amp;dir=asc&amp;q=${tag}"`);

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
      const few = await countQueries(`/admin/users?q=${tag}-p00`);
      const many = await countQueries(`/admin/users?q=${tag}&perPage=25`);
      expect(many, 'queries for 12 rows as for 1 (no N+1)').to.equal(few);
    });

    it('exports exactly the filtered rows as CSV with a BOM, and audits the export', async () => {
      const { agent, admin } = await signedInAdmin();
      const tag = unique('csv');
      const [a, b] = await taggedUsers(tag, [
        { role: 'officer', name: 'one' },
        { role: 'officer', name: 'two' },
        { role: 'finance', name: 'three' },
      ]);
      const list = await agent.get(`/admin/users?q=${tag}&role=officer&sort=role&page=1`);
      expect(list.text).to.contain(`href="/admin/users?q=${tag}&amp;role=officer&amp;format=csv" data-testid="export-csv"`);
      const res = await agent.get(`/admin/users?q=${tag}&role=officer&format=csv&page=1`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).to.match(/^attachment; filename=/);
      expect(res.headers['content-disposition']).to.contain(encodeURIComponent('用户列表.csv'));
      const text = res.text;
      expect(text.charCodeAt(0), 'BOM').to.equal(0xfeff);
      const lines = text.slice(1).trim().split('\r\n');
      expect(lines[0]).to.equal('用户名,姓名,角色,所属区,所属单位或组织,状态,最近登录,创建时间');
      const usernames = lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort();
      expect(usernames).to.deep.equal([a.username, b.username].sort());
      expect(lines[1]).to.contain('业务经办人');
      const event = await AuditEvent.findOne({ where: { action: 'user.export', actorId: admin.id } });
      expect(event).to.not.equal(null);
      expect(JSON.parse(event!.detail!)).to.deep.equal({ filter: { q: tag, role: 'officer' }, format: 'csv', rows: 2 });
    });

    it('exports exactly the filtered rows as XLSX', async () => {
      const { agent } = await signedInAdmin();
      const tag = unique('xlsx');
      const [a] = await taggedUsers(tag, [
        { role: 'inspector', name: 'one' },
        { role: 'officer', name: 'two' },
      ]);
      const res = await agent.get(`/admin/users?q=${tag}&role=inspector&format=xlsx`).buffer(true).parse(binaryParser);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename=.*\.xlsx/);
      const workbook = new ExcelJS.Workbook();
      const body = res.body as Buffer;
      await workbook.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(1).getCell(1).value).to.equal('用户名');
      const usernames: string[] = [];
      sheet.eachRow((row, n) => {
        if (n > 1) usernames.push(String(row.getCell(1).value));
      });
      expect(usernames).to.deep.equal([a.username]);
      expect(String(sheet.getRow(2).getCell(3).value)).to.equal('督查人员');
    });
  });

  describe('creating a user', () => {
    it('creates the user with a one-time password shown once, which must be changed at first sign-in', async () => {
      const { agent, admin } = await signedInAdmin();
      const ft = await district('FT');
      const username = unique('new.officer.');
      const res = await postForm(agent, '/admin/users', {
        username,
        displayName: '张三',
        role: 'officer',
        districtId: String(ft.id),
        agencyId: '',
        organisationId: '',
      });
      expect(res.status).to.equal(302);
      const user = await User.findOne({ where: { username } });
      expect(user).to.not.equal(null);
      expect(res.headers.location).to.equal(`/admin/users/${user!.id}`);
      expect(user!.mustChangePassword).to.equal(true);
      expect(user!.role).to.equal('officer');
      const event = await AuditEvent.findOne({ where: { action: 'user.create', recordId: String(user!.id) } });
      expect(event!.actorId).to.equal(admin.id);
      expect(event!.detail).to.not.match(/scrypt|password/i);

      const page = await agent.get(res.headers.location);
      expect(page.status).to.equal(200);
      expect(page.headers['cache-control']).to.equal('no-store');
      const password = shownPassword(page.text);
      expect(password).to.match(/^[A-Za-z0-9]{16}$/);
      expect(event!.detail).to.not.contain(password!);
      const again = await agent.get(res.headers.location);
      expect(shownPassword(again.text), 'shown only once').to.equal(null);

      const { agent: newcomer, res: signIn } = await trySignIn(username, password!);
      expect(signIn.status).to.equal(302);
      expect(signIn.headers.location).to.equal('/account/password');
      for (const path of ['/', '/admin/users']) {
        const blocked = await newcomer.get(path);
        expect(blocked.status, path).to.equal(302);
        expect(blocked.headers.location).to.equal('/account/password');
      }
      const changed = await postForm(
        newcomer,
        '/account/password',
        { currentPassword: password!, newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD },
        '/account/password',
      );
      expect(changed.status).to.equal(302);
      expect((await newcomer.get('/')).status).to.equal(200);
    });

    it('creates an organisation user belonging to an organisation of their district', async () => {
      const { agent } = await signedInAdmin();
      const organisation = await buildOrganisation({ districtCode: 'LG' });
      const username = unique('org.user.');
      const res = await postForm(agent, '/admin/users', {
        username: username.toUpperCase(),
        displayName: '李四',
        role: 'org',
        districtId: String(organisation.districtId),
        organisationId: String(organisation.id),
      });
      expect(res.status).to.equal(302);
      const user = await User.findOne({ where: { username } });
      expect(user!.organisationId).to.equal(organisation.id);
      expect(user!.agencyId).to.equal(null);
    });

    it('re-renders a bad form with 422, the input kept and each error beside its field', async () => {
      const { agent } = await signedInAdmin();
      const before = await User.count();
      const res = await postForm(agent, '/admin/users', { username: 'A b!', displayName: '', role: 'king', districtId: '' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('data-testid="form-errors"');
      expect(res.text).to.contain('value="A b!"');
      expect(fieldError(res.text, 'username')).to.not.equal(null);
      expect(fieldError(res.text, 'displayName')).to.not.equal(null);
      expect(fieldError(res.text, 'role')).to.equal('请选择角色。');
      expect(fieldError(res.text, 'districtId')).to.not.equal(null);
      expect(await User.count()).to.equal(before);

      const both = await postForm(agent, '/admin/users', { username: 'ab', displayName: '王五', role: 'org', districtId: '1', organisationId: '' });
      expect(both.status).to.equal(422);
      expect(fieldError(both.text, 'username'), 'every error at once').to.not.equal(null);
      expect(fieldError(both.text, 'organisationId'), 'every error at once').to.not.equal(null);

      const short = await postForm(agent, '/admin/users', { username: 'ab', displayName: '王五', role: 'officer', districtId: '1' });
      expect(short.status).to.equal(422);
      expect(short.text).to.contain('value="王五"');
      expect(fieldError(short.text, 'username')).to.not.equal(null);
      expect(fieldError(short.text, 'displayName')).to.equal(null);
    });

    it('refuses a taken username with 422 beside the field', async () => {
      const { agent } = await signedInAdmin();
      const { user: existing } = await buildUser('officer');
      const res = await postForm(agent, '/admin/users', {
        username: existing.username,
        displayName: '重名',
        role: 'officer',
        districtId: String(existing.districtId),
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'username')).to.equal('该用户名已被使用。');
      expect(res.text).to.contain('value="重名"');
    });

    it('requires an organisation, in the chosen district, for an organisation user; an agency of that district for staff', async () => {
      const { agent } = await signedInAdmin();
      const ft = await district('FT');
      const username = unique('org.');
      const none = await postForm(agent, '/admin/users', { username, displayName: '赵六', role: 'org', districtId: String(ft.id), organisationId: '' });
      expect(none.status).to.equal(422);
      expect(fieldError(none.text, 'organisationId')).to.not.equal(null);
      expect(none.text).to.contain(`value="${username}"`);

      const elsewhere = await buildOrganisation({ districtCode: 'NS' });
      const wrong = await postForm(agent, '/admin/users', {
        username,
        displayName: '赵六',
        role: 'org',
        districtId: String(ft.id),
        organisationId: String(elsewhere.id),
      });
      expect(wrong.status).to.equal(422);
      expect(fieldError(wrong.text, 'organisationId')).to.not.equal(null);
      expect(wrong.text).to.contain(`<option value="${elsewhere.id}" selected>`);

      const { user: nsOfficer } = await buildUser('officer', { districtCode: 'NS' });
      const agency = await agent.get('/admin/users/new');
      expect(agency.status).to.equal(200);
      const badAgency = await postForm(agent, '/admin/users', {
        username,
        displayName: '赵六',
        role: 'officer',
        districtId: String(ft.id),
        agencyId: String(nsOfficer.agencyId),
      });
      expect(badAgency.status).to.equal(422);
      expect(fieldError(badAgency.text, 'agencyId')).to.not.equal(null);
      expect(await User.count({ where: { username } })).to.equal(0);
    });
  });

  describe('editing a user', () => {
    it('shows the form filled in and saves the changes, audited', async () => {
      const { agent } = await signedInAdmin();
      const { user } = await buildUser('officer');
      const form = await agent.get(`/admin/users/${user.id}/edit`);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain(`value="${user.displayName}"`);
      const organisation = await buildOrganisation({ districtCode: 'FT' });
      const res = await postForm(agent, `/admin/users/${user.id}`, {
        _version: await versionNow(user),
        displayName: '改名了',
        role: 'org',
        districtId: String(user.districtId),
        agencyId: String(user.agencyId),
        organisationId: String(organisation.id),
      });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/admin/users/${user.id}`);
      await user.reload();
      expect(user.displayName).to.equal('改名了');
      expect(user.role).to.equal('org');
      expect(user.organisationId).to.equal(organisation.id);
      expect(user.agencyId, 'an organisation user has no agency').to.equal(null);
      const event = await AuditEvent.findOne({ where: { action: 'user.update', recordId: String(user.id) } });
      const detail = JSON.parse(event!.detail!);
      expect(detail.changes.role).to.deep.equal({ from: 'officer', to: 'org' });
      expect(detail.changes.displayName.to).to.equal('改名了');
      const page = await agent.get(`/admin/users/${user.id}`);
      expect(page.text).to.contain('改名了');
      expect(page.text).to.contain('data-action="user.update"');
    });

    it('re-renders a bad edit with 422 and the input kept; a wrong organisation is refused by the command', async () => {
      const { agent } = await signedInAdmin();
      const { user } = await buildUser('officer');
      const res = await postForm(agent, `/admin/users/${user.id}`, {
        _version: await versionNow(user),
        displayName: '',
        role: 'finance',
        districtId: String(user.districtId),
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'displayName')).to.not.equal(null);
      expect(res.text).to.contain('<option value="finance" selected>');
      const elsewhere = await buildOrganisation({ districtCode: 'NS' });
      const wrong = await postForm(agent, `/admin/users/${user.id}`, {
        _version: await versionNow(user),
        displayName: '新名',
        role: 'org',
        districtId: String(user.districtId),
        organisationId: String(elsewhere.id),
      });
      expect(wrong.status).to.equal(422);
      expect(fieldError(wrong.text, 'organisationId')).to.not.equal(null);
      expect(wrong.text).to.contain('value="新名"');
      await user.reload();
      expect(user.role).to.equal('officer');
    });
  });

  describe('disabling, enabling, passwords and sessions', () => {
    it('disables a user: their open session ends at its next request and they cannot sign in again', async () => {
      const { agent, admin } = await signedInAdmin();
      const { user, password } = await buildUser('officer');
      const theirs = await loginAs(user, password);
      expect((await theirs.get('/')).status).to.equal(200);
      const res = await postForm(agent, `/admin/users/${user.id}/disable`, {});
      expect(res.status).to.equal(302);
      const next = await theirs.get('/').set('Accept', 'text/html');
      expect(next.status).to.equal(302);
      expect(next.headers.location).to.match(/^\/login/);
      expect((await trySignIn(user.username, password)).res.status).to.equal(422);
      await user.reload();
      expect(user.status).to.equal('disabled');
      const event = await AuditEvent.findOne({ where: { action: 'user.disable', recordId: String(user.id) } });
      expect(event!.actorId).to.equal(admin.id);
      expect(JSON.parse(event!.detail!).sessionsEnded).to.equal(1);
      const page = await agent.get(`/admin/users/${user.id}`);
      expect(page.text).to.contain(`action="/admin/users/${user.id}/enable"`);
      expect(page.text).to.not.contain(`action="/admin/users/${user.id}/disable"`);
    });

    it('refuses to disable a disabled user or enable an active one with 409', async () => {
      const { agent } = await signedInAdmin();
      const { user, password } = await buildUser('finance');
      expect((await postForm(agent, `/admin/users/${user.id}/enable`, {})).status).to.equal(409);
      expect((await postForm(agent, `/admin/users/${user.id}/disable`, {})).status).to.equal(302);
      const twice = await postForm(agent, `/admin/users/${user.id}/disable`, {});
      expect(twice.status).to.equal(409);
      expect(twice.text).to.contain(`用户 ${user.username} 已处于停用状态`);
      expect(await AuditEvent.count({ where: { action: 'user.disable', recordId: String(user.id) } })).to.equal(1);
      expect((await postForm(agent, `/admin/users/${user.id}/enable`, {})).status).to.equal(302);
      await user.reload();
      expect(user.status).to.equal('active');
      expect((await trySignIn(user.username, password)).res.status, 'signs in again once enabled').to.equal(302);
      expect(await AuditEvent.count({ where: { action: 'user.enable', recordId: String(user.id) } })).to.equal(1);
    });

    it('disables once when the form is sent twice at the same time', async () => {
      const { agent } = await signedInAdmin();
      const { user } = await buildUser('officer');
      const token = await csrf(agent, '/');
      const send = () => agent.post(`/admin/users/${user.id}/disable`).type('form').send({ _csrf: token });
      const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
      expect(statuses).to.deep.equal([302, 409]);
      expect(await AuditEvent.count({ where: { action: 'user.disable', recordId: String(user.id) } })).to.equal(1);
    });

    it('shows the last 20 events about the user, newest first', async () => {
      const { agent, admin } = await signedInAdmin();
      const { user } = await buildUser('officer');
      const by = { actor: toActor(admin) };
      for (let i = 0; i < 12; i++) {
        await userStatusChanger(user.id, 'disabled', by);
        await userStatusChanger(user.id, 'active', by);
      }
      const page = await agent.get(`/admin/users/${user.id}`);
      const actions = [...page.text.matchAll(/<tr data-action="([^"]+)">/g)].map((m) => m[1]);
      expect(actions).to.have.length(20);
      expect(actions[0]).to.equal('user.enable');
      expect(actions).to.not.include('user.create');
      expect(page.text).to.contain('启用用户');
    });

    it('issues a new one-time password: the old one stops working, the new one forces a change', async () => {
      const { agent } = await signedInAdmin();
      const { user, password } = await buildUser('evaluator');
      const theirs = await loginAs(user, password);
      const res = await postForm(agent, `/admin/users/${user.id}/one-time-password`, {});
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/admin/users/${user.id}`);
      const page = await agent.get(res.headers.location);
      const issued = shownPassword(page.text);
      expect(issued).to.match(/^[A-Za-z0-9]{16}$/);
      expect(shownPassword((await agent.get(res.headers.location)).text)).to.equal(null);
      expect((await theirs.get('/').set('Accept', 'text/html')).headers.location, 'their session ended').to.match(/^\/login/);
      expect((await trySignIn(user.username, password)).res.status, 'old password').to.equal(422);
      const { res: signIn } = await trySignIn(user.username, issued!);
      expect(signIn.status).to.equal(302);
      expect(signIn.headers.location).to.equal('/account/password');
      await user.reload();
      expect(user.mustChangePassword).to.equal(true);
      const event = await AuditEvent.findOne({ where: { action: 'user.one_time_password', recordId: String(user.id) } });
      expect(event!.detail).to.not.contain(issued!);
    });

    it('ends all sessions of a user, counting them', async () => {
      const { agent } = await signedInAdmin();
      const { user, password } = await buildUser('inspector');
      const laptop = await loginAs(user, password);
      const phone = await loginAs(user, password);
      const before = await agent.get(`/admin/users/${user.id}`);
      expect(before.text).to.match(/data-testid="open-sessions">2</);
      const res = await postForm(agent, `/admin/users/${user.id}/end-sessions`, {});
      expect(res.status).to.equal(302);
      for (const a of [laptop, phone]) {
        const next = await a.get('/').set('Accept', 'text/html');
        expect(next.status).to.equal(302);
        expect(next.headers.location).to.match(/^\/login/);
      }
      const event = await AuditEvent.findOne({ where: { action: 'user.end_sessions', recordId: String(user.id) } });
      expect(JSON.parse(event!.detail!).sessionsEnded).to.equal(2);
      const after = await agent.get(`/admin/users/${user.id}`);
      expect(after.text).to.match(/data-testid="open-sessions">0</);
      expect(after.text).to.contain('已结束用户');
    });

    it('does not let an administrator act on themselves (403), nor offer them the buttons', async () => {
      const { agent, admin } = await signedInAdmin();
      for (const action of ['disable', 'one-time-password', 'end-sessions']) {
        expect((await postForm(agent, `/admin/users/${admin.id}/${action}`, {})).status, action).to.equal(403);
      }
      const edit = await postForm(agent, `/admin/users/${admin.id}`, {
        _version: await versionNow(admin),
        displayName: 'x',
        role: 'officer',
        districtId: String(admin.districtId),
      });
      expect(edit.status).to.equal(403);
      expect((await agent.get(`/admin/users/${admin.id}/edit`)).status).to.equal(403);
      await admin.reload();
      expect(admin.status).to.equal('active');
      expect(admin.role).to.equal('admin');
      const page = await agent.get(`/admin/users/${admin.id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.not.match(/action="\/admin\/users\/\d+\/(disable|enable|one-time-password|end-sessions)"/);
      const other = await signedInAdmin();
      const res = await postForm(other.agent, `/admin/users/${admin.id}/disable`, {});
      expect(res.status, 'another administrator may').to.equal(302);
    });
  });
});
