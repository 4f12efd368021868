import { expect } from 'chai';
import { Agency, AuditEvent, type District, type User } from '../../models/index.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { hotlineFigures } from '../../server/services/hotline-figures.js';
import { buildUser, TEST_PASSWORD, unique } from '../factories/index.js';
import { buildFixtureDistrict, fixtureContract, fixtureDeliverable } from '../factories/overview.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const YEAR = 2092;

/** An accepted (or only submitted) hotline deliverable whose period ends on `periodEnd`, with its metrics. */
async function hotlineDeliverable(
  contract: Awaited<ReturnType<typeof fixtureContract>>['contract'],
  by: User,
  periodEnd: string,
  metrics: Record<string, number>,
  accepted = true,
) {
  const d = await fixtureDeliverable(contract, periodEnd, { status: accepted ? 'accepted' : 'submitted', submissions: 1, lateDays: 0 });
  await d.update({ categoryCode: 'hotline', acceptedVersion: accepted ? 1 : null });
  await DeliverableVersion.create({ deliverableId: d.id, version: 1, status: accepted ? 'accepted' : 'submitted', metrics, createdBy: by.id });
}

/** An officer of the district's agency of `kind` (made when the district has none). */
async function officerOf(district: District, kind: 'public_security' | 'education') {
  const agency =
    (await Agency.findOne({ where: { districtId: district.id, kind } })) ??
    (await Agency.create({ districtId: district.id, kind, name: `${district.name}${kind}` }));
  return userCreator(
    {
      username: unique(`${kind}.`),
      displayName: '接收部门经办人',
      role: 'officer',
      districtId: district.id,
      agencyId: agency.id,
      organisationId: null,
      password: TEST_PASSWORD,
      mustChangePassword: false,
    },
    { actor: null, passwordCost: testConfig().passwordCost },
  );
}

const cellText = (html: string, marker: string, figure: string) => {
  const row = html.split('<tr').find((r) => r.includes(marker)) ?? '';
  return (new RegExp(`data-figure="${figure}">([^<]*)<`).exec(row)?.[1] ?? '').trim();
};

describe('12355 hotline and referrals across contracts (#17)', () => {
  let district: District;
  let officer: User;
  before(async () => {
    const built = await buildFixtureDistrict(1);
    district = built.district;
    officer = built.officer;
    const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active');
    await hotlineDeliverable(contract, officer, `${YEAR}-01-31`, {
      callsReceived: 100,
      callsAnswered: 90,
      averageAnswerSeconds: 20,
      casesClosed: 60,
      'referrals.public_security': 5,
      'referrals.disabled_persons_federation': 2,
    });
    await hotlineDeliverable(contract, officer, `${YEAR}-03-31`, {
      callsReceived: 50,
      callsAnswered: 40,
      averageAnswerSeconds: 30,
      casesClosed: 30,
      'referrals.education': 3,
    });
    await hotlineDeliverable(contract, officer, `${YEAR}-05-31`, {
      callsReceived: 80,
      callsAnswered: 80,
      averageAnswerSeconds: 10,
      casesClosed: 70,
      'referrals.public_security': 4,
    });
    await hotlineDeliverable(contract, officer, `${YEAR}-06-30`, { callsReceived: 999, callsAnswered: 999, averageAnswerSeconds: 1, casesClosed: 1 }, false);
  });

  it('adds up the accepted hotline deliverables per quarter (a submitted one not yet), 残联 among the departments', async () => {
    const figures = (await hotlineFigures(YEAR)).get(district.id)!;
    const q1 = figures.get(1)!;
    expect(q1).to.include({ received: 150, answered: 130, answerSeconds: 20 * 90 + 30 * 40, closed: 90 });
    expect(q1.referrals).to.include({ public_security: 5, education: 3, disabled_persons_federation: 2, justice: 0 });
    expect(figures.get(2)).to.include({ received: 80, answered: 80, closed: 70 });
  });

  it('shows the figures over the quarters and per district, and the follow-up a receiving department records with the rate acted on', async () => {
    const police = await officerOf(district, 'public_security');
    const agent = await loginAs(police, TEST_PASSWORD);
    const page = (await agent.get(`/overview/hotline?year=${YEAR}&quarter=1`).expect(200)).text;
    // Its own district and the median; the answer time weighted by calls answered: 3000 / 130 = 23 s.
    expect(page).to.contain(district.name).and.to.contain('各区中位数').and.not.to.contain('福田区');
    expect(cellText(page, 'data-row="district"', 'answerRate')).to.equal('86.7%');
    expect(cellText(page, 'data-row="district"', 'averageAnswer')).to.equal('23 秒');
    expect(cellText(page, 'data-row="district"', 'closureRate')).to.equal('60.0%');
    expect(cellText(page, 'data-department="disabled_persons_federation"', 'referrals')).to.equal('2');
    expect(cellText(page, 'data-department="public_security"', 'actedOnRate')).to.equal('0.0%');
    // The police record their quarter: 4 of the 5 handled, 3 closed.
    const res = await postForm(
      agent,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '1', department: 'public_security', handled: '4', closed: '3' },
      `/overview/hotline?year=${YEAR}&quarter=1`,
    );
    expect(res.status).to.equal(303);
    const after = (await agent.get(`/overview/hotline?year=${YEAR}&quarter=1`).expect(200)).text;
    expect(cellText(after, 'data-department="public_security"', 'handled')).to.equal('4');
    expect(cellText(after, 'data-department="public_security"', 'closed')).to.equal('3');
    expect(cellText(after, 'data-department="public_security"', 'actedOnRate')).to.equal('80.0%');
    expect(cellText(after, 'data-row="district"', 'actedOnRate')).to.equal('40.0%');
    // The same figures again change nothing (a double submission): one audit event.
    await postForm(
      agent,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '1', department: 'public_security', handled: '4', closed: '3' },
      `/overview/hotline?year=${YEAR}&quarter=1`,
    );
    expect(await AuditEvent.count({ where: { action: 'referral_follow_up.record', actorId: police.id } })).to.equal(1);
  });

  it('refuses closed above handled beside the field with the input kept, another department, and those who are not a receiving department', async () => {
    const police = await officerOf(district, 'public_security');
    const agent = await loginAs(police, TEST_PASSWORD);
    const page = `/overview/hotline?year=${YEAR}&quarter=2`;
    const bad = await postForm(
      agent,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'public_security', handled: '2', closed: '3' },
      page,
    );
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'closed')).to.contain('已办结不能多于已处理');
    expect(bad.text).to.match(/id="f-handled"[^>]*value="2"/);
    const notNumber = await postForm(
      agent,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'public_security', handled: '两个', closed: '0' },
      page,
    );
    expect(notNumber.status).to.equal(422);
    expect(fieldError(notNumber.text, 'handled')).to.contain('整数');
    const other = await postForm(
      agent,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'education', handled: '1', closed: '0' },
      page,
    );
    expect(other.status).to.equal(403);
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const refused = await postForm(
      inspector,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'public_security', handled: '1', closed: '0' },
      page,
    );
    expect(refused.status).to.equal(403);
    // The district's civil-affairs officer records for the departments without an agency of their own (法院 …), not for the police.
    const civil = await loginAs(officer, TEST_PASSWORD);
    const court = await postForm(
      civil,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'court', handled: '1', closed: '1' },
      page,
    );
    expect(court.status).to.equal(303);
    const police2 = await postForm(
      civil,
      '/overview/hotline/follow-ups',
      { year: String(YEAR), quarter: '2', department: 'public_security', handled: '1', closed: '1' },
      page,
    );
    expect(police2.status).to.equal(403);
  });

  it('shows the city level every district and exports a table', async () => {
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const page = (await inspector.get(`/overview/hotline?year=${YEAR}`).expect(200)).text;
    expect(page).to.contain(district.name).and.to.contain('福田区').and.to.contain('全市合计');
    expect(page).to.not.contain('data-testid="follow-up"');
    const xlsx = await inspector.get(`/overview/hotline?year=${YEAR}&format=xlsx&table=departments`).expect(200);
    expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
    expect(await AuditEvent.count({ where: { action: 'overview.hotline_export' } })).to.be.greaterThan(0);
  });
});
