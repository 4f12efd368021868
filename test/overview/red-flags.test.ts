import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { ClaimCap, ClaimLine, Claim } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { Engagement } from '../../models/Engagement.js';
import { AuditEvent, type District, Organisation, StoredFile, type User } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { Payment } from '../../models/Payment.js';
import { RedFlag } from '../../models/RedFlag.js';
import { redFlagRound } from '../../server/commands/oversight/redFlagRound.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { getSequelize } from '../../server/db.js';
import { redFlagsRound } from '../../server/housekeeping.js';
import { RED_FLAG_RULES } from '../../server/services/red-flag-rules.js';
import { buildUser, TEST_PASSWORD, unique, uscc } from '../factories/index.js';
import { buildFixtureDistrict, fixtureContract, fixtureDeliverable, fixtureDirector, fixtureEvaluation } from '../factories/overview.js';
import { loginAs, postForm } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const YEAR = 2093;
const TODAY = `${YEAR}-12-31`;
/** An instant in Beijing: `day` at `time`. */
const beijing = (day: string, time = '12:00') => `${new Date(new Date(`${day}T${time}:00+08:00`).getTime()).toISOString().replace('T', ' ').slice(0, 19)}`;
const setColumn = (table: string, column: string, value: unknown, id: number) =>
  getSequelize().query(`UPDATE ${table} SET ${column} = ? WHERE id = ?`, { replacements: [value, id], type: QueryTypes.UPDATE });
const rule = (key: string) => RED_FLAG_RULES.find((r) => r.key === key)!;

describe('red flags (#17): each rule at its threshold, just under and just over; dismissed with a reason, never deleted', () => {
  let district: District;
  let officer: User;
  let subs: Awaited<ReturnType<typeof buildFixtureDistrict>>['subDistricts'];
  const flagsOf = async (key: string) =>
    (await RedFlag.findAll({ where: { districtId: district.id, rule: key }, order: [['id', 'ASC']] })).map((f) => ({
      subject: f.subject,
      status: f.status,
      figure: (JSON.parse(f.evidence) as { figure: number }).figure,
      id: f.id,
    }));
  const org = (name: string) => Organisation.create({ name: `${name}${unique()}`, uscc: uscc(), districtId: district.id });

  before(async () => {
    ({ district, officer, subDistricts: subs } = await buildFixtureDistrict(1));
  });

  it('declares each rule once with its threshold, unit and a basis in both languages', () => {
    expect(RED_FLAG_RULES.map((r) => r.key)).to.have.lengthOf(7);
    expect(new Set(RED_FLAG_RULES.map((r) => r.key)).size).to.equal(7);
    expect(rule('repeated_direct_award').threshold).to.equal(2);
    expect(rule('upward_amendments')).to.include({ threshold: 2, withinDays: 90 });
    expect(rule('late_acceptance').threshold).to.equal(60);
    expect(rule('claims_at_cap').threshold).to.equal(3);
    expect(rule('final_evaluation_missing').threshold).to.equal(30);
  });

  it('runs nightly: only before 06:00 in Beijing, and once a night across the servers (the red_flags lease)', async () => {
    expect(await redFlagsRound('server-a', new Date('2093-06-01T02:00:00Z'))).to.deep.equal({ ran: false });
    const first = await redFlagsRound('server-a', new Date('2093-06-01T18:30:00Z'));
    expect(first.ran).to.equal(true);
    expect(await redFlagsRound('server-b', new Date('2093-06-01T18:45:00Z'))).to.deep.equal({ ran: false });
  });

  it('repeated single-source or entrustment awards to one organisation in a year: 1 no, 2 yes, 3 yes', async () => {
    const once = await org('一次');
    const twice = await org('两次');
    const thrice = await org('三次');
    await fixtureContract(district, officer, YEAR, 'single_source', 'active', once);
    await fixtureContract(district, officer, YEAR, 'open', 'active', once);
    await fixtureContract(district, officer, YEAR, 'single_source', 'active', twice);
    await fixtureContract(district, officer, YEAR, 'entrustment', 'active', twice);
    await fixtureContract(district, officer, YEAR - 1, 'single_source', 'active', once);
    for (const m of ['single_source', 'entrustment', 'single_source'] as const) await fixtureContract(district, officer, YEAR, m, 'active', thrice);
    await redFlagRound(TODAY);
    const flags = await flagsOf('repeated_direct_award');
    expect(flags.map((f) => [f.subject, f.figure])).to.deep.equal([
      [`${twice.name} · ${YEAR}`, 2],
      [`${thrice.name} · ${YEAR}`, 3],
    ]);
  });

  it('a contract amended to a higher value twice within 90 days: 89 and 90 days yes, 91 no, a lowering does not count', async () => {
    const cases: [string, number, number[]][] = [
      ['89', 89, [100, 120, 130]],
      ['90', 90, [100, 120, 130]],
      ['91', 91, [100, 120, 130]],
      ['down', 10, [100, 120, 110]],
    ];
    const numbers: Record<string, string> = {};
    for (const [name, gap, values] of cases) {
      const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active');
      numbers[name] = contract.number;
      const days = [`${YEAR}-01-05`, `${YEAR}-03-01`, null];
      days[2] = new Date(Date.UTC(YEAR, 2, 1 + gap)).toISOString().slice(0, 10);
      for (let i = 0; i < 3; i += 1) {
        const v = await ContractVersion.create({
          contractId: contract.id,
          version: i + 1,
          reason: '变更',
          valueFen: values[i] * 100_000,
          snapshot: {} as never,
          createdBy: officer.id,
        });
        await setColumn('contract_versions', 'created_at', beijing(days[i]!), v.id);
      }
    }
    await redFlagRound(TODAY);
    const flags = await flagsOf('upward_amendments');
    expect(flags.map((f) => f.subject)).to.deep.equal([numbers['89'], numbers['90']]);
    expect(flags[0].figure).to.equal(2);
  });

  it('a deliverable accepted 60 days or more after its due date, counted in Beijing days: 59 no, 60 (at 00:30 Beijing) yes, 61 yes', async () => {
    const due = `${YEAR}-03-31`;
    const accepted: [string, string][] = [
      [`${YEAR}-05-29`, '23:30'],
      [`${YEAR}-05-30`, '00:30'],
      [`${YEAR}-05-31`, '12:00'],
    ];
    const ids: number[] = [];
    for (const [day, time] of accepted) {
      const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active');
      const d = await fixtureDeliverable(contract, due, { status: 'accepted', submissions: 1, lateDays: 0 });
      await setColumn('deliverables', 'accepted_at', beijing(day, time), d.id);
      ids.push(d.id);
    }
    await redFlagRound(TODAY);
    const flags = await RedFlag.findAll({ where: { districtId: district.id, rule: 'late_acceptance' }, order: [['id', 'ASC']] });
    expect(flags.map((f) => f.fingerprint)).to.deep.equal([`late_acceptance:${ids[1]}`, `late_acceptance:${ids[2]}`]);
    expect(flags.map((f) => (JSON.parse(f.evidence) as { figure: number }).figure)).to.deep.equal([60, 61]);
  });

  it("a worker's claims at the contract's cap month after month: 2 months no, 3 yes, 4 yes; under the cap breaks the run", async () => {
    const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active');
    await ClaimCap.create({ contractId: contract.id, kind: 'transport', capFen: 20_000, updatedBy: null });
    const file = await StoredFile.create({
      storageKey: randomBytes(8).toString('hex'),
      kind: 'receipt',
      originalName: 'r.pdf',
      mimeType: 'application/pdf',
      size: 1,
      sha256: randomBytes(32).toString('hex'),
      uploadedBy: officer.id,
      ownerType: null,
      ownerId: null,
      districtId: district.id,
      organisationId: contract.organisationId,
    });
    const claimMonths = async (months: [string, number][]) => {
      const worker = await fixtureDirector(district, { subDistrictId: subs[0].id, employment: 'full_time', trainedOn: `${YEAR}-01-01` });
      const engagement = await Engagement.create({
        contractId: contract.id,
        organisationId: contract.organisationId,
        districtId: district.id,
        childWorkerId: worker.id,
        startsOn: `${YEAR}-01-01`,
        endsOn: `${YEAR}-12-31`,
        createdBy: officer.id,
      });
      for (const [month, fen] of months) {
        const claim = await Claim.create({
          contractId: contract.id,
          organisationId: contract.organisationId,
          districtId: district.id,
          childWorkerId: worker.id,
          engagementId: engagement.id,
          month,
          status: 'approved',
          totalFen: fen,
          createdBy: officer.id,
        });
        // The month's costs in two lines, so the rule adds them up.
        for (const part of [fen - 5_000, 5_000]) {
          const no = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
          await ClaimLine.create({
            claimId: claim.id,
            spentOn: `${month}-10`,
            kind: 'transport',
            description: '家访交通',
            amountFen: part,
            fapiaoCode: null,
            fapiaoNumber: no,
            fapiaoKey: `T${unique()}`,
            fapiaoDigitalNumber: null,
            receiptFileId: file.id,
          });
        }
      }
      return worker;
    };
    const two = await claimMonths([
      [`${YEAR}-01`, 20_000],
      [`${YEAR}-02`, 20_000],
      [`${YEAR}-03`, 19_999],
      [`${YEAR}-04`, 20_000],
    ]);
    const three = await claimMonths([
      [`${YEAR}-01`, 20_000],
      [`${YEAR}-02`, 20_000],
      [`${YEAR}-03`, 20_000],
    ]);
    const four = await claimMonths([
      [`${YEAR}-09`, 20_000],
      [`${YEAR}-10`, 20_000],
      [`${YEAR}-11`, 20_000],
      [`${YEAR}-12`, 20_000],
    ]);
    await redFlagRound(TODAY);
    const flags = await flagsOf('claims_at_cap');
    expect(flags.map((f) => [f.subject, f.figure])).to.deep.equal([
      [`${three.name} · ${contract.number}`, 3],
      [`${four.name} · ${contract.number}`, 4],
    ]);
    expect(flags.some((f) => f.subject.startsWith(two.name))).to.equal(false);
  });

  it('an instalment paid with no deliverable accepted by the day it was paid: none yes, accepted that day no, accepted the day after yes', async () => {
    const paid = async (acceptedOn: string | null) => {
      const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active');
      const instalment = await Instalment.create({ contractId: contract.id, seq: 1, amountFen: 3_000_000, milestone: '中期', status: 'paid' });
      await Payment.create({
        contractId: contract.id,
        instalmentId: instalment.id,
        openInstalmentId: null,
        kind: 'instalment',
        districtId: district.id,
        organisationId: contract.organisationId,
        year: YEAR,
        amountFen: 3_000_000,
        status: 'paid',
        requestedBy: officer.id,
        requestedAt: new Date(),
        paidOn: `${YEAR}-06-15`,
      });
      if (acceptedOn) {
        const d = await fixtureDeliverable(contract, `${YEAR}-05-31`, { status: 'accepted', submissions: 1, lateDays: 0 });
        await setColumn('deliverables', 'accepted_at', beijing(acceptedOn, '23:00'), d.id);
      }
      return contract;
    };
    const none = await paid(null);
    const sameDay = await paid(`${YEAR}-06-15`);
    const dayAfter = await paid(`${YEAR}-06-16`);
    await redFlagRound(TODAY);
    const flags = await flagsOf('payment_without_deliverable');
    expect(flags.map((f) => f.subject)).to.deep.equal([none.number, dayAfter.number]);
    expect(flags.map((f) => f.subject)).not.to.include(sameDay.number);
  });

  it('an organisation awarded while its rectification is open: the day before it opened no, while open yes, after it closed no', async () => {
    const organisation = await org('整改中');
    const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'active', organisation);
    const evaluation = await fixtureEvaluation(contract, officer, 'fail', true);
    await setColumn('evaluations', 'confirmed_at', beijing(`${YEAR}-04-01`), evaluation.id);
    await setColumn('evaluations', 'rectification_closed_at', beijing(`${YEAR}-06-30`), evaluation.id);
    const awardOn = async (day: string) => {
      const built = await fixtureContract(district, officer, YEAR, 'open', 'active', organisation);
      await setColumn('awards', 'awarded_at', beijing(day), built.contract.awardId);
      return built.project;
    };
    await setColumn('awards', 'awarded_at', beijing(`${YEAR}-01-10`), contract.awardId);
    const before = await awardOn(`${YEAR}-03-31`);
    const during = await awardOn(`${YEAR}-05-15`);
    const after = await awardOn(`${YEAR}-07-01`);
    await redFlagRound(TODAY);
    const flags = await flagsOf('award_in_rectification');
    expect(flags.map((f) => f.subject)).to.deep.equal([`${organisation.name} · ${during.title}`]);
    expect(flags.map((f) => f.subject).join())
      .not.to.contain(before.title)
      .and.not.to.contain(after.title);
  });

  describe('a final evaluation missing 30 days after the end; the flag kept, dismissed or cleared', () => {
    const ended: Record<string, Contract> = {};
    before(async () => {
      for (const [name, days] of [
        ['29', 29],
        ['30', 30],
        ['31', 31],
        ['done', 40],
      ] as const) {
        const { contract } = await fixtureContract(district, officer, YEAR, 'open', 'completed');
        await contract.update({ termEnd: new Date(Date.parse(`${TODAY}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10) });
        ended[name] = contract;
      }
      const final = await fixtureEvaluation(ended.done, officer, 'good');
      await final.update({ kind: 'final' });
      await redFlagRound(TODAY);
    });

    it('29 days no, 30 yes, 31 yes, evaluated no', async () => {
      const mine = new Set(Object.values(ended).map((c) => c.number));
      const flags = (await flagsOf('final_evaluation_missing')).filter((f) => mine.has(f.subject)).sort((a, b) => a.figure - b.figure);
      expect(flags.map((f) => [f.subject, f.figure])).to.deep.equal([
        [ended['30'].number, 30],
        [ended['31'].number, 31],
      ]);
    });

    it('the same round again opens nothing twice', async () => {
      const count = await RedFlag.count({ where: { districtId: district.id } });
      await redFlagRound(TODAY);
      expect(await RedFlag.count({ where: { districtId: district.id } })).to.equal(count);
    });

    it('an inspector dismisses with a reason (audited); no reason is refused with the input kept; staff of another district cannot; the flag stays', async () => {
      const flag = (await flagsOf('final_evaluation_missing')).find((f) => f.subject === ended['30'].number)!;
      const inspector = await userCreator(
        {
          username: unique('inspector.'),
          displayName: '区督查人员',
          role: 'inspector',
          districtId: district.id,
          agencyId: null,
          organisationId: null,
          password: TEST_PASSWORD,
          mustChangePassword: false,
        },
        { actor: null, passwordCost: testConfig().passwordCost },
      );
      const agent = await loginAs(inspector, TEST_PASSWORD);
      const page = (await agent.get(`/overview/flags?rule=final_evaluation_missing`).expect(200)).text;
      expect(page).to.contain(ended['30'].number).and.to.contain('合同期满').and.to.contain('终期评价应在合同结束前一个月内进行');
      const empty = await postForm(agent, `/overview/flags/${flag.id}/dismiss`, { reason: '  ' }, '/overview/flags');
      expect(empty.status).to.equal(422);
      expect(empty.text).to.contain('is-invalid');
      // An officer may read, not dismiss; another district's inspector does not find it.
      const officerAgent = await loginAs(officer, TEST_PASSWORD);
      expect((await officerAgent.get('/overview/flags?rule=final_evaluation_missing').expect(200)).text).to.contain(ended['30'].number);
      expect((await postForm(officerAgent, `/overview/flags/${flag.id}/dismiss`, { reason: '不需要' }, '/overview/flags')).status).to.equal(403);
      const futian = await buildUser('inspector', { districtCode: 'FT' });
      const other = await loginAs(futian.user, TEST_PASSWORD);
      expect((await other.get('/overview/flags?status=').expect(200)).text).not.to.contain(ended['30'].number);
      expect((await postForm(other, `/overview/flags/${flag.id}/dismiss`, { reason: '不需要' }, '/overview/flags')).status).to.equal(404);

      const res = await postForm(agent, `/overview/flags/${flag.id}/dismiss`, { reason: '终期评价已线下完成，待补录' }, '/overview/flags');
      expect(res.status).to.equal(303);
      const stored = await RedFlag.findByPk(flag.id);
      expect(stored).to.include({ status: 'dismissed', dismissReason: '终期评价已线下完成，待补录', dismissedBy: inspector.id });
      const audit = await AuditEvent.findOne({ where: { action: 'red_flag.dismiss', recordId: String(flag.id) } });
      expect(audit).to.not.equal(null);
      // Twice is refused on the page (409); the next round keeps it dismissed.
      expect((await postForm(agent, `/overview/flags/${flag.id}/dismiss`, { reason: '再次' }, '/overview/flags')).status).to.equal(409);
      await redFlagRound(TODAY);
      expect((await RedFlag.findByPk(flag.id))?.status).to.equal('dismissed');
      // Nothing deletes a flag: no route of the app does.
      expect((await agent.delete(`/overview/flags/${flag.id}`)).status).to.be.oneOf([403, 404, 405]);
      expect(await RedFlag.findByPk(flag.id)).to.not.equal(null);
    });

    it('an open flag its rule no longer finds is cleared, and opens again when found again', async () => {
      const flag = (await flagsOf('final_evaluation_missing')).find((f) => f.subject === ended['31'].number)!;
      const final = await fixtureEvaluation(ended['31'], officer, 'pass');
      await final.update({ kind: 'final' });
      await redFlagRound(TODAY);
      expect(await RedFlag.findByPk(flag.id)).to.include({ status: 'cleared', clearedOn: TODAY });
      await final.update({ status: 'cancelled' });
      await redFlagRound(TODAY);
      expect(await RedFlag.findByPk(flag.id)).to.include({ status: 'open', clearedOn: null });
    });
  });
});
