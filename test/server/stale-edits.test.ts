import { expect } from 'chai';
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
import { type Agent, loginAs, postForm } from '../support/agent.js';
import { formValues, staleChanges } from '../support/forms.js';

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
];

/** Columns whose form field is named otherwise. */
const COLUMN_OF: Record<string, string> = { reimbursementCeiling: 'reimbursementCeilingFen', amount: 'amountFen' };

describe('stale edits: a save based on an older version is refused, shown and kept (#14)', () => {
  for (const c of CASES) {
    it(`${c.name}: two tabs, the later save is refused with the other save's change shown and its input kept`, async () => {
      const { agent, page, action, stored } = await c.open();
      const tabA = { ...formValues((await agent.get(page)).text, action), ...c.fill };
      const tabB = { ...formValues((await agent.get(page)).text, action), ...c.fill };
      expect(tabA._version, 'the form carries its version').to.match(/^\d+$/);
      const [theirField, theirValue] = c.theirs;
      const [yourField, yourValue] = c.yours;

      const savedA = await postForm(agent, action, { ...tabA, [theirField]: theirValue });
      expect(savedA.status, savedA.text.slice(0, 300)).to.equal(302);

      const savedB = await postForm(agent, action, { ...tabB, [yourField]: yourValue });
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

      const savedAgain = await postForm(agent, action, again);
      expect(savedAgain.status, 'saved again on the current version').to.equal(302);
    });

    it(`${c.name}: a save without a version (a tab from before the deploy) is refused as stale`, async () => {
      const { agent, page, action } = await c.open();
      const { _version, _opened, ...fields } = formValues((await agent.get(page)).text, action);
      const res = await postForm(agent, action, { ...fields, ...c.fill, [c.yours[0]]: c.yours[1] });
      expect(res.status).to.equal(409);
      expect(formValues(res.text, action)[c.yours[0]]).to.equal(c.yours[1]);
    });
  }
});
