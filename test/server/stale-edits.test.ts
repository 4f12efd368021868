import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { StoredFile } from '../../models/index.js';
import { ClaimLine } from '../../models/Claim.js';
import { buildClaim, buildClaimSetup, classicFapiao } from '../factories/claims.js';
import { pdfBytes } from '../factories/organisations.js';
import { jpegWithGps } from '../support/files.js';
import { testConfig } from '../support/hooks.js';
import { buildWorker } from '../factories/workers.js';
import { SubDistrict } from '../../models/SubDistrict.js';
import { Agency } from '../../models/Agency.js';
import { District } from '../../models/District.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { User } from '../../models/User.js';
import { buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { buildCatalogueItem } from '../factories/catalogue.js';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { buildRegisteredOrganisation } from '../factories/organisations.js';
import { buildProject } from '../factories/projects.js';
import { Organisation } from '../../models/Organisation.js';
import { Project } from '../../models/Project.js';
import { Contract } from '../../models/Contract.js';
import type { Role } from '../../models/User.js';
import { buildContract } from '../factories/contracts.js';
import { buildUser, district, TEST_PASSWORD, unique } from '../factories/index.js';
import { type Agent, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { formAction, formValues, staleChanges } from '../support/forms.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { EvaluationTemplateIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation, buildTemplate } from '../factories/evaluations.js';
import { ClaimCap } from '../../models/Claim.js';
import { Engagement } from '../../models/Engagement.js';
import { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { ReminderSetting } from '../../models/ReminderSetting.js';
import { NotificationPreference } from '../../models/Delivery.js';
import { ReportingSchedule } from '../../models/ReportingSchedule.js';
import { fenToInput } from '../../server/services/money.js';
import { announcementCreator } from '../../server/commands/announcements/announcementCreator.js';
import { actorOf } from '../factories/finance.js';

/**
 * Issue #14: a save based on an older version of a record is refused (409), shows what the other
 * save changed (theirs beside yours) and keeps the user's input; the user saves again on the
 * current version. One table, every edit form: open the form in two tabs (A and B), save A with
 * one field changed, save B with another → 409, A's change stays stored, B's input is in the form
 * again, the notice names A's field; B saves the re-rendered form → saved.
 */

type Opened = {
  /** One signed-in user (both tabs are theirs, as in the report). */
  agent: Agent;
  /** The edit form's page and the path it posts to. */
  page: string;
  action: string;
  /** The stored value of a field, read again from the database. */
  stored: (field: string) => Promise<unknown>;
  /** How the form is posted when not url-encoded (a multipart form: the CSRF token in the query). */
  send?: Send;
  /** Puts back what the test changed that other tests share (the city's settings). */
  restore?: () => Promise<void>;
};

type Send = (agent: Agent, action: string, fields: Record<string, string>) => Promise<{ status: number; text: string }>;

/** Posts a multipart form as the browser does: the fields, no file chosen, the CSRF token in the query. */
const multipart: Send = async (agent, action, fields) => {
  const token = csrfFrom((await agent.get('/')).text);
  let req = agent.post(`${action.split('?')[0]}?_csrf=${encodeURIComponent(token)}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
};

type Case = {
  name: string;
  open: () => Promise<Opened>;
  /** Tab A changes `theirs`, tab B changes `yours` (another field): [field, value as typed]. */
  theirs: [string, string];
  yours: [string, string];
  /** Fields the form needs filled that it does not show filled (an amendment's reason). */
  fill?: Record<string, string>;
  /** The notice's row for `theirs` when it does not show the values as typed (a select's label, a masked number). */
  notice?: [string, string];
};

async function signedIn(role: Role, attrs: Parameters<typeof buildUser>[1] = {}) {
  const { user } = await buildUser(role, attrs);
  return { user, agent: await loginAs(user, TEST_PASSWORD) };
}

const CASES: Case[] = [
  {
    name: 'contract draft',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const { contract } = await buildContract({ officer: user });
      return {
        agent,
        page: `/contracts/${contract.id}/edit`,
        action: `/contracts/${contract.id}`,
        stored: async (f) => (await Contract.findByPk(contract.id))?.get(f),
      };
    },
    theirs: ['content', '家庭探访服务（甲方修订）'],
    yours: ['quantity', '800 次'],
  },
  {
    name: 'contract amendment',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const { contract } = await buildContract({ officer: user, status: 'active' });
      return {
        agent,
        page: `/contracts/${contract.id}/amend`,
        action: `/contracts/${contract.id}/amend`,
        stored: async (f) => (await Contract.findByPk(contract.id))?.get(f),
      };
    },
    theirs: ['termJustification', '延长服务期限的理由（甲）'],
    yours: ['reimbursementCeiling', '4000.00'],
    fill: { reason: '服务量调整' },
  },
  {
    name: 'project',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const { project } = await buildProject({ creator: user });
      return {
        agent,
        page: `/projects/${project.id}/edit`,
        action: `/projects/${project.id}`,
        stored: async (f) => (await Project.findByPk(project.id))?.get(f),
      };
    },
    theirs: ['title', '困境儿童关爱服务（修订）'],
    yours: ['targetGroup', '辖区内困境儿童及其家庭'],
  },
  {
    name: 'organisation (officer)',
    open: async () => {
      const { agent } = await signedIn('officer');
      const organisation = await buildRegisteredOrganisation();
      return {
        agent,
        page: `/organisations/${organisation.id}/edit`,
        action: `/organisations/${organisation.id}`,
        stored: async (f) => (await Organisation.findByPk(organisation.id))?.get(f),
      };
    },
    theirs: ['legalRepresentative', '王五'],
    yours: ['address', '深圳市福田区深南大道 2 号'],
  },
  {
    name: 'organisation contact (organisation user)',
    open: async () => {
      const organisation = await buildRegisteredOrganisation();
      const { agent } = await signedIn('org', { organisation });
      return {
        agent,
        page: `/organisations/${organisation.id}/contact`,
        action: `/organisations/${organisation.id}/contact`,
        stored: async (f) => (await Organisation.findByPk(organisation.id))?.get(f),
      };
    },
    theirs: ['contactPhone', '13800138000'],
    yours: ['contactName', '赵六'],
    notice: ['138****8000', '0755-****5678'],
  },
  {
    name: 'catalogue item',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const item = await buildCatalogueItem(user);
      return {
        agent,
        page: `/catalogue/${item.id}/edit`,
        action: `/catalogue/${item.id}`,
        stored: async (f) => (await CatalogueItem.findByPk(item.id))?.get(f),
      };
    },
    theirs: ['name', '家庭探访（修订）'],
    yours: ['description', '每月入户探访一次'],
  },
  {
    name: 'budget line',
    open: async () => {
      const { user, agent } = await signedIn('finance');
      const line = await buildBudgetLine({ creator: user });
      return {
        agent,
        page: `/budget-lines/${line.id}/edit`,
        action: `/budget-lines/${line.id}`,
        stored: async (f) => (await BudgetLine.findByPk(line.id))?.get(f),
      };
    },
    theirs: ['name', '儿童福利专项（调整）'],
    yours: ['amount', '200000.00'],
  },
  {
    name: 'allocation',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const allocation = await buildAllocation({ requester: user });
      return {
        agent,
        page: `/allocations/${allocation.id}/edit`,
        action: `/allocations/${allocation.id}`,
        stored: async (f) => (await Allocation.findByPk(allocation.id))?.get(f),
      };
    },
    theirs: ['purpose', '困境儿童探访服务（修订）'],
    yours: ['amount', '9000.00'],
  },
  {
    name: 'user',
    open: async () => {
      const { agent } = await signedIn('admin');
      const { user } = await buildUser('officer');
      return { agent, page: `/admin/users/${user.id}/edit`, action: `/admin/users/${user.id}`, stored: async (f) => (await User.findByPk(user.id))?.get(f) };
    },
    theirs: ['displayName', '张科长'],
    yours: ['role', 'inspector'],
  },
  {
    name: 'child worker',
    open: async () => {
      const { agent } = await signedIn('officer');
      const { worker } = await buildWorker();
      return {
        agent,
        page: `/workers/${worker.id}/edit`,
        action: `/workers/${worker.id}`,
        stored: async (f) => (await ChildWorker.findByPk(worker.id))?.get(f),
      };
    },
    theirs: ['name', '李主任'],
    yours: ['community', '福民社区'],
  },
  {
    name: 'district',
    open: async () => {
      const { agent } = await signedIn('admin');
      const d = await District.create({ code: unique('D').slice(0, 8), name: '测试区', nameEn: 'Test District', kind: 'district', sortOrder: 99 });
      return {
        agent,
        page: `/reference/districts/${d.id}/edit`,
        action: `/reference/districts/${d.id}`,
        stored: async (f) => (await District.findByPk(d.id))?.get(f),
      };
    },
    theirs: ['name', '测试新区'],
    yours: ['nameEn', 'Test New District'],
  },
  {
    name: 'agency',
    open: async () => {
      const { agent } = await signedIn('admin');
      const d = await district('FT');
      const a = await Agency.create({ districtId: d.id, kind: 'civil_affairs', name: `测试局${unique()}` });
      return {
        agent,
        page: `/reference/agencies/${a.id}/edit`,
        action: `/reference/agencies/${a.id}`,
        stored: async (f) => (await Agency.findByPk(a.id))?.get(f),
      };
    },
    theirs: ['name', `民政局（甲）${unique()}`],
    yours: ['name', `民政局（乙）${unique()}`],
  },
  {
    name: 'sub-district',
    open: async () => {
      const { agent } = await signedIn('admin');
      const d = await district('FT');
      const s = await SubDistrict.create({ districtId: d.id, kind: 'subdistrict', name: `测试街道${unique()}`, sortOrder: 99 });
      return {
        agent,
        page: `/reference/sub-districts/${s.id}/edit`,
        action: `/reference/sub-districts/${s.id}`,
        stored: async (f) => (await SubDistrict.findByPk(s.id))?.get(f),
      };
    },
    theirs: ['name', `甲街道${unique()}`],
    yours: ['name', `乙街道${unique()}`],
  },
  {
    name: 'deliverable draft (multipart, organisation user)',
    open: async () => {
      const built = await buildDeliverableContract();
      const [d] = built.deliverables;
      const agent = await loginAs(built.orgUser, TEST_PASSWORD);
      const current = async () => DeliverableVersion.findOne({ where: { deliverableId: d.id }, order: [['version', 'DESC']] });
      return {
        agent,
        page: `/deliverables/${d.id}/edit`,
        action: `/deliverables/${d.id}/draft`,
        send: multipart,
        stored: async (f) => {
          const v = await current();
          return f.startsWith('m_') ? v?.metrics?.[f.slice(2)] : v?.get(f);
        },
      };
    },
    theirs: ['narrative', '本季度完成入户探访（甲）'],
    yours: ['m_visits', '28'],
  },
  {
    name: 'evaluation scores (evaluator)',
    open: async () => {
      const { evaluation, evaluator } = await buildEvaluation();
      const agent = await loginAs(evaluator, TEST_PASSWORD);
      const score = async (f: string) => EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: Number(f.split('_')[1]) } });
      return {
        agent,
        page: `/evaluations/${evaluation.id}`,
        action: `/evaluations/${evaluation.id}/scores`,
        stored: async (f) => (f.startsWith('comment_') ? (await score(f))?.comment : (await score(f))?.scoreHundredths),
      };
    },
    theirs: ['comment_2', '服务记录完整（甲）'],
    yours: ['score_3', '88'],
  },
  {
    name: 'evaluation template',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      const template = await buildTemplate(user);
      return {
        agent,
        page: `/evaluations/templates/${template.id}/edit`,
        action: `/evaluations/templates/${template.id}`,
        stored: async (f) => {
          const row = /^(\w+)_(\d+)$/.exec(f);
          if (!row) return (await EvaluationTemplate.findByPk(template.id))?.get(f);
          return (await EvaluationTemplateIndicator.findOne({ where: { templateId: template.id, seq: Number(row[2]) + 1 } }))?.get(row[1]);
        },
      };
    },
    theirs: ['name', '年度末期评价模板（修订）'],
    yours: ['scale_1', '90 分以上为优'],
  },
  {
    name: 'lottery announcement draft (body text)',
    open: async () => {
      const { user: officer, agent } = await signedIn('officer');
      const agency = await Agency.create({ districtId: (await district('FT')).id, kind: 'civil_affairs', name: `福彩公告测试局${unique()}` });
      const a = await announcementCreator({ agencyId: agency.id, year: 2025 }, { actor: actorOf(officer) });
      return {
        agent,
        page: `/announcements/${a.id}`,
        action: `/announcements/${a.id}/text`,
        stored: async (f) => (await LotteryAnnouncement.findByPk(a.id))?.get(f),
      };
    },
    theirs: ['bodyText', '本局福彩公益金全部用于困境儿童关爱服务（甲）。'],
    yours: ['bodyText', '本局福彩公益金用于困境儿童关爱服务（乙）。'],
  },
  {
    name: 'city default claim caps (administrator)',
    open: async () => {
      const { agent } = await signedIn('admin');
      const before = await ClaimCap.findAll({ where: { contractId: null } });
      return {
        agent,
        page: '/claims/caps',
        action: '/claims/caps',
        stored: async (f) => {
          const row = await ClaimCap.findOne({ where: { contractId: null, kind: f } });
          return row ? fenToInput(row.capFen) : null;
        },
        restore: async () => {
          for (const r of before) await ClaimCap.update({ capFen: r.capFen }, { where: { id: r.id } });
        },
      };
    },
    theirs: ['transport', '320.00'],
    yours: ['communication', '120.00'],
  },
  {
    name: 'a contract’s own claim caps (officer)',
    open: async () => {
      const s = await buildClaimSetup();
      const agent = await loginAs(s.officer, TEST_PASSWORD);
      return {
        agent,
        page: `/contracts/${s.contract.id}/claim-caps`,
        action: `/contracts/${s.contract.id}/claim-caps`,
        stored: async (f) => {
          const row = await ClaimCap.findOne({ where: { contractId: s.contract.id, kind: f } });
          return row ? fenToInput(row.capFen) : null;
        },
      };
    },
    theirs: ['transport', '450.00'],
    yours: ['communication', '150.00'],
  },
  {
    name: 'reminder settings (administrator)',
    open: async () => {
      const { agent } = await signedIn('admin');
      const before = (await ReminderSetting.findAll()).map((r) => r.get({ plain: true }));
      const column: Record<string, string> = { daysBefore: 'daysBefore', escalateAfter: 'escalateAfterDays', escalateTo: 'escalateTo' };
      return {
        agent,
        page: '/admin/reminders',
        action: '/admin/reminders',
        stored: async (f) => {
          const [kind, field] = f.split('_');
          return (await ReminderSetting.findByPk(kind))?.get(column[field]);
        },
        restore: async () => {
          for (const r of before) await ReminderSetting.update(r, { where: { kind: r.kind } });
        },
      };
    },
    theirs: ['contractEnd_daysBefore', '45'],
    yours: ['rectification_daysBefore', '9'],
  },
  {
    name: 'reporting schedule (officer)',
    open: async () => {
      const built = await buildDeliverableContract();
      const agent = await loginAs(built.officer, TEST_PASSWORD);
      return {
        agent,
        page: `/contracts/${built.contract.id}/reporting`,
        action: `/contracts/${built.contract.id}/reporting`,
        stored: async (f) => (await ReportingSchedule.findOne({ where: { contractId: built.contract.id } }))?.get(f),
      };
    },
    theirs: ['graceDays', '7'],
    yours: ['frequency', 'monthly'],
  },
  {
    name: 'engagement corrected (organisation user)',
    open: async () => {
      const s = await buildClaimSetup();
      const agent = await loginAs(s.orgUser, TEST_PASSWORD);
      return {
        agent,
        page: `/contracts/${s.contract.id}/engagements`,
        action: `/contracts/${s.contract.id}/engagements/${s.engagement.id}/correct`,
        stored: async (f) => (await Engagement.findByPk(s.engagement.id))?.get(f),
      };
    },
    theirs: ['endsOn', '2026-11-30'],
    yours: ['startsOn', '2026-02-01'],
  },
  {
    name: 'engagement ended early (organisation user)',
    open: async () => {
      const s = await buildClaimSetup();
      const agent = await loginAs(s.orgUser, TEST_PASSWORD);
      return {
        agent,
        page: `/contracts/${s.contract.id}/engagements`,
        action: `/contracts/${s.contract.id}/engagements/${s.engagement.id}/end`,
        stored: async (f) => (await Engagement.findByPk(s.engagement.id))?.get(f),
      };
    },
    theirs: ['endsOn', '2026-11-30'],
    yours: ['endsOn', '2026-10-31'],
  },
  {
    name: 'notification settings (their own, any user)',
    open: async () => {
      const { user, agent } = await signedIn('officer');
      return {
        agent,
        page: '/account/notifications',
        action: '/account/notifications',
        stored: async (f) =>
          f.startsWith('mode_')
            ? (await NotificationPreference.findOne({ where: { userId: user.id, kind: f.slice(5) } }))?.mode
            : (await User.findByPk(user.id))?.get(f),
      };
    },
    theirs: ['email', 'zhang@example.test'],
    yours: ['mode_reminders', 'off'],
  },
];

/** Columns whose form field is named otherwise. */
const COLUMN_OF: Record<string, string> = { reimbursementCeiling: 'reimbursementCeilingFen', amount: 'amountFen' };

describe('stale edits: a save based on an older version is refused, shown and kept (#14)', () => {
  for (const c of CASES) {
    it(`${c.name}: two tabs, the later save is refused with the other save's change shown and its input kept`, async () => {
      const { agent, page, action, stored, send = postForm, restore } = await c.open();
      try {
        await twoTabs(c, { agent, page, action, stored, send });
      } finally {
        await restore?.();
      }
    });

    it(`${c.name}: a save without a version (a tab from before the deploy) is refused as stale`, async () => {
      const { agent, page, action, send = postForm } = await c.open();
      const { _version, _opened, ...fields } = formValues((await agent.get(page)).text, action);
      const res = await send(agent, action, { ...fields, ...c.fill, [c.yours[0]]: c.yours[1] });
      expect(res.status).to.equal(409);
      expect(formValues(res.text, action)[c.yours[0]]).to.equal(c.yours[1]);
    });
  }
});

/** Tab A saves one field, tab B (opened before) another: B is refused, shown A's change and keeps its input; saved again it goes through. */
async function twoTabs(c: Case, { agent, page, action, stored, send }: Required<Omit<Opened, 'restore'>>): Promise<void> {
  const tabA = { ...formValues((await agent.get(page)).text, action), ...c.fill };
  const tabB = { ...formValues((await agent.get(page)).text, action), ...c.fill };
  expect(tabA._version, 'the form carries its version').to.match(/^\d+$/);
  const [theirField, theirValue] = c.theirs;
  const [yourField, yourValue] = c.yours;

  const savedA = await send(agent, action, { ...tabA, [theirField]: theirValue });
  expect(savedA.status, savedA.text.slice(0, 300)).to.be.oneOf([302, 303]);

  const savedB = await send(agent, action, { ...tabB, [yourField]: yourValue });
  expect(savedB.status).to.equal(409);
  expect(savedB.text).to.contain('data-testid="stale-edit"');
  expect(savedB.text).to.contain('记录已被他人修改');
  const changes = staleChanges(savedB.text);
  expect(changes[theirField], `the notice names ${theirField}`).to.deep.equal(
    c.notice ?? [theirValue, theirField === yourField ? yourValue : tabB[theirField] || '（空）'],
  );
  expect(savedB.text, 'no personal number unmasked in the notice').not.to.contain('13800138000');
  const again = formValues(savedB.text, action);
  expect(again[yourField], 'B keeps its input').to.equal(yourValue);
  expect(Number(again._version)).to.be.greaterThan(Number(tabB._version));
  expect(String(await stored(theirField)), "A's change is still stored").to.equal(theirValue);
  expect(String(await stored(COLUMN_OF[yourField] ?? yourField))).not.to.equal(yourValue);

  const savedAgain = await send(agent, action, again);
  expect(savedAgain.status, 'saved again on the current version').to.be.oneOf([302, 303]);
}

/** Every stored blob of the test store (temp files aside): what a refused save must leave as it found. */
function storedBlobs(): string[] {
  const dir = testConfig().uploadDir;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Polls until `check` holds (the upload middleware removes unsaved files once the response has finished). */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe('stale edits of forms with files: nothing of a refused save is stored (#14)', () => {
  it('deliverable draft: a stale save with photos stores no file (no row, no blob), keeps the typed text and asks to choose the files again', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const agent = await loginAs(built.orgUser, TEST_PASSWORD);
    const action = `/deliverables/${d.id}/draft`;
    const tabA = formValues((await agent.get(`/deliverables/${d.id}/edit`)).text, action);
    const tabB = formValues((await agent.get(`/deliverables/${d.id}/edit`)).text, action);
    expect((await multipart(agent, action, { ...tabA, m_visits: '30' })).status).to.equal(302);
    const rowsBefore = await StoredFile.count();
    const blobsBefore = storedBlobs();

    const token = csrfFrom((await agent.get('/')).text);
    let req = agent.post(`${action}?_csrf=${encodeURIComponent(token)}`);
    for (const [k, v] of Object.entries({ ...tabB, narrative: '乙窗口写的总结', m_households: '12' })) req = req.field(k, v);
    const stale = await req.attach('files_photo', jpegWithGps(), '探访照片.jpg').attach('files_report', pdfBytes('报告'), '季度报告.pdf');
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('data-testid="stale-edit"');
    expect(staleChanges(stale.text).m_visits, 'the notice names the other save’s figure').to.deep.equal(['30', '（空）']);
    const again = formValues(stale.text, action);
    expect(again).to.include({ narrative: '乙窗口写的总结', m_households: '12' });
    expect(stale.text, 'told beside the file fields to choose the files again').to.match(/data-testid="files-again"[^>]*>[^<]*重新选择/);
    expect(stale.text).to.contain('探访照片.jpg');
    expect(stale.text).to.contain('季度报告.pdf');
    expect(await StoredFile.count(), 'no stored-file row').to.equal(rowsBefore);
    await eventually(() => storedBlobs().join() === blobsBefore.join(), 'the refused save’s blobs are removed');

    let retry = agent.post(formAction(stale.text, action));
    for (const [k, v] of Object.entries(again)) retry = retry.field(k, v);
    const saved = await retry.attach('files_photo', jpegWithGps(), '探访照片.jpg');
    expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
    expect(await StoredFile.count()).to.equal(rowsBefore + 1);
  });

  it('claim draft: a line added on an older page is refused (another line came in meanwhile), its receipt not stored, the typed line kept; added again it saves', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const claim = await buildClaim(s, { lines: [] });
    const agent = await loginAs(s.orgUser, TEST_PASSWORD);
    const page = `/claims/${claim.id}`;
    const action = `/claims/${claim.id}/lines`;
    const line = (description: string) => {
      const f = classicFapiao();
      return { spentOn: '2026-03-05', kind: 'transport', description, amount: '12.50', fapiaoCode: f.code, fapiaoNumber: f.number };
    };
    const post = async (fields: Record<string, string>) => {
      const token = csrfFrom((await agent.get('/')).text);
      let req = agent.post(`${action}?_csrf=${encodeURIComponent(token)}`);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach('receipt', pdfBytes('发票'), '发票.pdf');
    };
    const tabA = formValues((await agent.get(page)).text, action);
    const tabB = formValues((await agent.get(page)).text, action);
    expect(tabA._version, 'the line form carries the claim’s version').to.match(/^\d+$/);
    expect((await post({ ...tabA, ...line('甲窗口：福田—沙头 往返') })).status).to.equal(302);
    const rowsBefore = await StoredFile.count();
    const blobsBefore = storedBlobs();

    const stale = await post({ ...tabB, ...line('乙窗口：福田—香蜜湖 往返') });
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('data-testid="stale-edit"');
    const changes = staleChanges(stale.text);
    expect(changes.lines?.[0], 'the notice shows the line the other save added').to.contain('甲窗口：福田—沙头 往返');
    const again = formValues(stale.text, action);
    expect(again.description).to.equal('乙窗口：福田—香蜜湖 往返');
    expect(stale.text).to.match(/data-testid="files-again"/);
    expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(1);
    expect(await StoredFile.count(), 'no stored-file row').to.equal(rowsBefore);
    await eventually(() => storedBlobs().join() === blobsBefore.join(), 'the refused receipt’s blob is removed');

    expect((await post(again)).status, 'added again on the current version').to.equal(302);
    expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(2);
  });

  it('claim draft: removing a line from an older page is refused and shown; from the current page it is removed', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const claim = await buildClaim(s, { lines: [{ spentOn: '2026-03-03' }, { spentOn: '2026-03-04' }] });
    const agent = await loginAs(s.orgUser, TEST_PASSWORD);
    const [first, second] = await ClaimLine.findAll({ where: { claimId: claim.id }, order: [['id', 'ASC']] });
    const html = (await agent.get(`/claims/${claim.id}`)).text;
    const removeFirst = formValues(html, `/claims/${claim.id}/lines/${first.id}/delete`);
    const removeSecond = formValues(html, `/claims/${claim.id}/lines/${second.id}/delete`);
    expect(removeFirst._version).to.match(/^\d+$/);
    expect((await postForm(agent, `/claims/${claim.id}/lines/${first.id}/delete`, removeFirst)).status).to.equal(302);
    const stale = await postForm(agent, `/claims/${claim.id}/lines/${second.id}/delete`, removeSecond);
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('data-testid="stale-edit"');
    expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(1);
    const fresh = formValues(stale.text, `/claims/${claim.id}/lines/${second.id}/delete`);
    expect((await postForm(agent, `/claims/${claim.id}/lines/${second.id}/delete`, fresh)).status).to.equal(302);
    expect(await ClaimLine.count({ where: { claimId: claim.id } })).to.equal(0);
  });
});

describe('stale edits: partial sanction of a claim’s lines (#14)', () => {
  it('a line lowered from an older page is refused (another line was lowered meanwhile), shown with the other lowering, the input kept; lowered again it saves', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const claim = await buildClaim(s, { lines: [{ amountFen: 12_000 }, { amountFen: 3_456, kind: 'communication' }], status: 'submitted' });
    const [a, b] = await ClaimLine.findAll({ where: { claimId: claim.id }, order: [['id', 'ASC']] });
    const agent = await loginAs(s.officer, TEST_PASSWORD);
    const page = `/claims/${claim.id}`;
    const action = `/claims/${claim.id}/sanction`;
    const tabA = formValues((await agent.get(page)).text, action);
    const tabB = formValues((await agent.get(page)).text, action);
    expect(tabA._version, 'the sanction form carries the claim’s version').to.match(/^\d+$/);
    const savedA = await postForm(agent, action, { ...tabA, lineId: String(a.id), sanctionAmount: '80.00', sanctionReason: '超出公交票价标准' });
    expect(savedA.status, savedA.text.slice(0, 300)).to.equal(302);

    const stale = await postForm(agent, action, { ...tabB, lineId: String(b.id), sanctionAmount: '30.00', sanctionReason: '话费超出套餐部分' });
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('data-testid="stale-edit"');
    expect(staleChanges(stale.text).lines?.[0], 'the notice shows the line the other save lowered').to.contain('→ ¥80.00');
    const again = formValues(stale.text, action);
    expect(again).to.include({ lineId: String(b.id), sanctionAmount: '30.00', sanctionReason: '话费超出套餐部分' });
    expect((await ClaimLine.findByPk(b.id))?.sanctionedFen ?? null, 'nothing lowered by the refused save').to.equal(null);

    expect((await postForm(agent, action, again)).status, 'lowered again on the current version').to.equal(302);
    expect((await ClaimLine.findByPk(b.id))?.sanctionedFen).to.equal(3_000);
  });
});

describe('stale edits: the evaluation’s autosave carries the version (#14)', () => {
  it('an autosave answers the new version, so the next save of the same page is not stale against it; a stale autosave is a 409 that says so and saves nothing', async () => {
    const { evaluation, evaluator } = await buildEvaluation();
    const agent = await loginAs(evaluator, TEST_PASSWORD);
    const action = `/evaluations/${evaluation.id}/scores`;
    const tabA = formValues((await agent.get(`/evaluations/${evaluation.id}`)).text, action);
    const tabB = formValues((await agent.get(`/evaluations/${evaluation.id}`)).text, action);

    const auto = await postForm(agent, action, { ...tabA, score_2: '86', intent: 'autosave' });
    expect(auto.status).to.equal(200);
    expect(auto.body.version, 'the version after the autosave').to.equal(Number(tabA._version) + 1);
    expect(auto.body.opened).to.be.a('string');
    const next = await postForm(agent, action, { ...tabA, score_2: '87', _version: String(auto.body.version), _opened: auto.body.opened, intent: 'autosave' });
    expect(next.status, 'the page’s next autosave goes on from its own').to.equal(200);

    const stale = await postForm(agent, action, { ...tabB, comment_3: '乙窗口的评语', intent: 'autosave' });
    expect(stale.status).to.equal(409);
    expect(stale.body.stale).to.equal(true);
    expect(stale.body.message).to.contain('保存评分');
    const row = await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 3 } });
    expect(row?.comment ?? null, 'the stale autosave saved nothing').to.equal(null);
    expect((await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 2 } }))?.scoreHundredths).to.equal(8700);
  });
});

describe('stale edits: a submission refused after its draft was saved goes on from that save (#14)', () => {
  it('the page of a submission refused for a personal number carries the version its draft save made: confirmed, it submits without a stale refusal', async () => {
    const { evaluation, evaluator } = await buildEvaluation();
    const agent = await loginAs(evaluator, TEST_PASSWORD);
    const action = `/evaluations/${evaluation.id}/scores`;
    const opened = formValues((await agent.get(`/evaluations/${evaluation.id}`)).text, action);
    const typed = { ...opened, score_2: '80', comment_2: '回访家长电话 13800138000，满意', score_3: '75', comment_3: '满意度良好', intent: 'submit' };
    const refused = await postForm(agent, action, typed);
    expect(refused.status).to.equal(422);
    const again = formValues(refused.text, action);
    expect(again._version, 'the version of the draft save').to.equal(String(Number(opened._version) + 1));
    expect(again.comment_3).to.equal('满意度良好');
    const submitted = await postForm(agent, action, { ...again, confirmPersonalData: '1', intent: 'submit' });
    expect(submitted.status, submitted.text.slice(0, 200)).to.equal(302);
  });
});
