import { expect } from 'chai';
import { addDays, addMonths } from '../../server/services/calendar.js';
import { beijingDay, now } from '../../server/clock.js';
import { Agency, District, Organisation } from '../../models/index.js';
import { buildUser } from '../factories/index.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { loginAs } from '../support/agent.js';

function card(html: string, query: string): number {
  const m = new RegExp(`href="/workers\\?${query.replace(/&/g, '&amp;')}">(\\d+)<`).exec(html);
  if (!m) throw new Error(`no card linking to /workers?${query}`);
  return Number(m[1]);
}

describe('dashboard', () => {
  it('warns an officer of child workers whose training lapses within 30 days, in their district only', async () => {
    const { user, password } = await buildUser('officer', { districtCode: 'YT' });
    const agent = await loginAs(user, password);
    const before = (await agent.get('/')).text;
    const today = beijingDay(now());
    const lapsing = await buildWorker({ districtCode: 'YT' });
    await addTrainings(lapsing.worker, [{ kind: 'initial', trainedOn: addDays(addMonths(today, -12), 10) }]);
    const fresh = await buildWorker({ districtCode: 'YT' });
    await addTrainings(fresh.worker, [{ kind: 'initial', trainedOn: addDays(today, -10) }]);
    await buildWorker({ districtCode: 'YT' });
    const elsewhere = await buildWorker({ districtCode: 'NS' });
    await addTrainings(elsewhere.worker, [{ kind: 'initial', trainedOn: addDays(addMonths(today, -12), 10) }]);
    const after = (await agent.get('/')).text;
    expect(card(after, 'status=active&training=lapsing') - card(before, 'status=active&training=lapsing')).to.equal(1);
    expect(card(after, 'status=active&training=untrained') - card(before, 'status=active&training=untrained')).to.equal(1);
  });

  it('says where the user works: the district, and the organisation or the agency', async () => {
    for (const role of ['org', 'officer'] as const) {
      const { user, password } = await buildUser(role, { districtCode: 'YT' });
      const page = (await (await loginAs(user, password)).get('/')).text;
      const district = (await District.findByPk(user.districtId))!.name;
      const unit = role === 'org' ? (await Organisation.findByPk(user.organisationId!))!.name : (await Agency.findByPk(user.agencyId!))!.name;
      expect(page, role).to.contain(` · ${district} · ${unit}</p>`);
    }
  });

  it('shows an organisation user no registry figures', async () => {
    const { user, password } = await buildUser('org');
    const page = (await (await loginAs(user, password)).get('/')).text;
    expect(page).to.not.contain('/workers?');
  });
});
