import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { AllowanceList } from '../../models/AllowanceList.js';
import { AllowanceListRow } from '../../models/AllowanceListRow.js';
import { anonymisedName, type ChildWorker, type Employment } from '../../models/ChildWorker.js';
import { AuditEvent } from '../../models/index.js';
import { Notification } from '../../models/Notification.js';
import { allowanceListApprover } from '../../server/commands/allowances/allowanceListApprover.js';
import { allowanceListGenerator } from '../../server/commands/allowances/allowanceListGenerator.js';
import { allowanceListPayer } from '../../server/commands/allowances/allowanceListPayer.js';
import { allowanceListSubmitter } from '../../server/commands/allowances/allowanceListSubmitter.js';
import { allowanceRateSetter } from '../../server/commands/allowances/allowanceRateSetter.js';
import { childWorkerStatusChanger } from '../../server/commands/workers/childWorkerStatusChanger.js';
import { ledgerVerify } from '../../server/cli/ledger-verify.js';
import { today } from '../../server/clock.js';
import { balance } from '../../server/services/ledger.js';
import { actorOf, buildBudgetLine, financeYear } from '../factories/finance.js';
import { buildUser, district } from '../factories/index.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { buildAllowanceList } from '../factories/allowances.js';
import { binaryParser, fieldError, loginAs, postForm } from '../support/agent.js';
import { captured } from '../support/cli.js';

const FT = 'FT';

/** One district-month of its own (a fresh year), its officer and two finance reviewers, a schedule and an allowance line. */
async function fixture(lineFen = 10_000_000) {
  const year = financeYear();
  const month = `${year}-06`;
  const officer = await buildUser('officer', { districtCode: FT });
  const finance = await buildUser('finance', { districtCode: FT });
  const finance2 = await buildUser('finance', { districtCode: FT });
  const ft = await district(FT);
  const byOfficer = { actor: actorOf(officer.user) };
  const rate = (role: 'director' | 'supervisor', employment: Employment, amount: number, from = `${year}-01`) =>
    allowanceRateSetter({ districtId: ft.id, role, employment, amount, effectiveFrom: from, note: null }, byOfficer);
  await rate('director', 'full_time', 150_000);
  await rate('director', 'part_time', 80_000);
  await rate('supervisor', 'full_time', 200_000);
  const line = await buildBudgetLine({ year, fundSource: 'child_worker_allowance', amountFen: lineFen, creator: finance.user });
  return { year, month, officer, finance, finance2, ft, line, byOfficer, rate };
}

/** A worker of 福田 trained on `trainedOn` (initial, passed), or never when null. */
async function worker(employment: Employment, trainedOn: string | null, kind: 'director' | 'supervisor' = 'director'): Promise<ChildWorker> {
  const { worker: w } = await buildWorker({ districtCode: FT, employment, kind });
  if (trainedOn) await addTrainings(w, [{ kind: 'initial', trainedOn }]);
  return w;
}

const rowsOf = async (list: AllowanceList) =>
  new Map((await AllowanceListRow.findAll({ where: { allowanceListId: list.id } })).map((r) => [r.childWorkerId, r.amountFen]));

async function runVerify() {
  const io = captured();
  const code = await ledgerVerify(io);
  return { code, out: io.stdout() };
}

describe('child workers’ allowances (#21)', () => {
  it('an allowance month generated, approved and paid through the ledger (ledger:verify passes); a worker out of post or untrained left out', async () => {
    const f = await fixture();
    const before = `${f.year - 1}-12-01`;
    const full = await worker('full_time', before);
    const part = await worker('part_time', before);
    const supervisor = await worker('full_time', before, 'supervisor');
    const untrained = await worker('full_time', null);
    const lapsed = await worker('full_time', `${f.year - 1}-06-20`);
    const left = await worker('full_time', before);
    await left.update({ status: 'inactive', leftPostOn: `${f.year}-06-20` });
    const leftAfter = await worker('part_time', before);
    await leftAfter.update({ status: 'inactive', leftPostOn: `${f.year}-07-01` });

    const officer = await loginAs(f.officer.user, f.officer.password);
    const generated = await postForm(officer, '/allowances', { month: f.month }, '/allowances');
    expect(generated.status).to.equal(302);
    const list = (await AllowanceList.findOne({ where: { districtId: f.ft.id, month: f.month } }))!;
    expect(generated.headers.location).to.equal(`/allowances/${list.id}`);
    const rows = await rowsOf(list);
    expect(rows.get(full.id)).to.equal(150_000);
    expect(rows.get(part.id)).to.equal(80_000);
    expect(rows.get(supervisor.id)).to.equal(200_000);
    expect(rows.get(leftAfter.id)).to.equal(80_000);
    for (const out of [untrained, lapsed, left]) expect(rows.has(out.id), `worker ${out.name}`).to.equal(false);
    expect(list.totalFen).to.equal([...rows.values()].reduce((a, b) => a + b, 0));
    const leftOut = JSON.parse(list.leftOut!);
    expect(leftOut.untrained).to.be.at.least(1);
    expect(leftOut.lapsed).to.be.at.least(1);
    expect(leftOut.outOfPost).to.be.at.least(1);

    const page = await officer.get(`/allowances/${list.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(full.name).and.contain(full.idNumberMasked).and.not.contain(untrained.name);
    expect(page.text).to.contain('培训当月失效').and.contain('当月不在岗');
    expect((await postForm(officer, `/allowances/${list.id}/submit`, {}, `/allowances/${list.id}`)).status).to.equal(302);

    const finance = await loginAs(f.finance.user, f.finance.password);
    const review = await finance.get(`/allowances/${list.id}`);
    expect(review.text).to.contain('data-testid="approve"').and.contain(f.line.name);
    const asked = await postForm(finance, `/allowances/${list.id}/approve`, { budgetLineId: String(f.line.id) }, `/allowances/${list.id}`);
    expect(asked.status).to.equal(200);
    expect(asked.text).to.contain('批准').and.contain(f.line.name);
    const noLine = await postForm(finance, `/allowances/${list.id}/approve`, { budgetLineId: '' }, `/allowances/${list.id}`);
    expect(noLine.status).to.equal(422);
    expect(fieldError(noLine.text, 'budgetLineId')).to.contain('请选择预算');
    expect((await list.reload()).status).to.equal('submitted');
    const approved = await postForm(finance, `/allowances/${list.id}/approve`, { budgetLineId: String(f.line.id), confirmed: '1' }, `/allowances/${list.id}`);
    expect(approved.status).to.equal(302);
    await list.reload();
    expect(list.status).to.equal('approved');
    expect(await balance('allowance_committed', list.id)).to.equal(list.totalFen);
    expect(await balance('line_available', f.line.id)).to.equal(10_000_000 - list.totalFen);

    // The approver does not record it paid; the second finance reviewer does.
    const own = await postForm(finance, `/allowances/${list.id}/pay`, { bankReference: 'TX-1', paidOn: today(), confirmed: '1' }, `/allowances/${list.id}`);
    expect(own.status).to.equal(403);
    const finance2 = await loginAs(f.finance2.user, f.finance2.password);
    const paid = await postForm(
      finance2,
      `/allowances/${list.id}/pay`,
      { bankReference: 'TX-2026-001', paidOn: today(), confirmed: '1' },
      `/allowances/${list.id}`,
    );
    expect(paid.status).to.equal(302);
    await list.reload();
    expect(list).to.deep.include({ status: 'paid', bankReference: 'TX-2026-001', paidOn: today(), paidBy: f.finance2.user.id });
    expect(await balance('allowance_committed', list.id)).to.equal(0);
    expect(await balance('allowance_paid', list.id)).to.equal(list.totalFen);
    const verified = await runVerify();
    expect(verified.code, verified.out).to.equal(0);

    const actions = (await AuditEvent.findAll({ where: { recordType: 'allowance_list', recordId: String(list.id) }, order: [['seq', 'ASC']] })).map(
      (e) => e.action,
    );
    expect(actions).to.deep.equal(['allowance_list.generate', 'allowance_list.submit', 'allowance_list.approve', 'allowance_list.pay']);
    const told = await Notification.findAll({ where: { userId: f.officer.user.id, recordType: 'allowance_list', recordId: list.id }, order: [['id', 'ASC']] });
    expect(told.map((n) => n.kind)).to.deep.equal(['allowanceApproved', 'allowancePaid']);

    // The line's page leads to the lists it paid; the lists filtered by it show this one; a project's request never offers it.
    const linePage = await finance2.get(`/budget-lines/${f.line.id}`);
    expect(linePage.text).to.contain(`/allowances?budgetLineId=${f.line.id}`).and.not.contain('data-testid="line-allocations"');
    const ofLine = await finance2.get(`/allowances?budgetLineId=${f.line.id}`);
    expect(ofLine.text).to.contain(`href="/allowances/${list.id}"`);
    expect((await officer.get('/allocations/new')).text).to.not.contain(`value="${f.line.id}"`);

    // The worker's page shows the month paid.
    const workerPage = await officer.get(`/workers/${full.id}`);
    expect(workerPage.text).to.contain('data-testid="worker-allowances"').and.contain(f.month).and.contain('¥1,500.00').and.contain('已发放');
  });

  it('generating a draft again is idempotent, picks up a changed schedule, and never lists a worker twice in a month', async () => {
    const f = await fixture();
    const a = await worker('full_time', `${f.year - 1}-12-01`);
    const first = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    const again = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    expect(again.id).to.equal(first.id);
    expect(again.totalFen).to.equal(first.totalFen);
    expect(await AllowanceListRow.count({ where: { allowanceListId: first.id } })).to.equal(first.workerCount);

    // Schedule changed mid-year: June keeps the old rate once July's is entered; July takes the new one.
    await f.rate('director', 'full_time', 180_000, `${f.year}-07`);
    const june = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    expect((await rowsOf(june)).get(a.id)).to.equal(150_000);
    const july = await allowanceListGenerator({ districtId: f.ft.id, month: `${f.year}-07` }, f.byOfficer);
    expect((await rowsOf(july)).get(a.id)).to.equal(180_000);

    // Approved and paid: a new generation of the month lists only those not yet on a settled list.
    await allowanceListSubmitter(june.id, f.byOfficer);
    await allowanceListApprover(june.id, { budgetLineId: f.line.id }, { actor: actorOf(f.finance.user) });
    const late = await worker('part_time', `${f.year - 1}-12-01`);
    const supplement = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    expect(supplement.id).to.not.equal(june.id);
    const rows = await rowsOf(supplement);
    expect(rows.has(a.id)).to.equal(false);
    expect(rows.get(late.id)).to.equal(80_000);
    expect(JSON.parse(supplement.leftOut!).listedElsewhere).to.be.at.least(1);
  });

  it('refuses: the generator or submitter approving (403), a list past the line’s available money (409), a month not begun, a second list while one waits (409)', async () => {
    const f = await fixture(100_000);
    await worker('full_time', `${f.year - 1}-12-01`);
    const list = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    await allowanceListSubmitter(list.id, f.byOfficer);

    // Whoever generated it never decides it, even holding a finance role (the rule is on the person).
    await AllowanceList.update({ generatedBy: f.finance.user.id }, { where: { id: list.id } });
    const own = await allowanceListApprover(list.id, { budgetLineId: f.line.id }, { actor: actorOf(f.finance.user) }).catch((e: Error) => e);
    expect(own).to.have.property('status', 403);
    const finance = await loginAs(f.finance.user, f.finance.password);
    const page = await finance.get(`/allowances/${list.id}`);
    expect(page.text).to.not.contain('data-testid="approve"');

    const overdraw = await allowanceListApprover(list.id, { budgetLineId: f.line.id }, { actor: actorOf(f.finance2.user) }).catch((e: Error) => e);
    expect(overdraw).to.have.property('status', 409);
    expect((await list.reload()).status).to.equal('submitted');
    expect(await balance('line_available', f.line.id)).to.equal(100_000);

    // A line of another fund source does not pay allowances.
    const general = await buildBudgetLine({ year: f.year, fundSource: 'general_budget' });
    const wrong = await allowanceListApprover(list.id, { budgetLineId: general.id }, { actor: actorOf(f.finance2.user) }).catch((e: Error) => e);
    expect(wrong).to.have.property('status', 422);

    const waiting = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer).catch((e: Error) => e);
    expect(waiting).to.have.property('status', 409);
    const officer = await loginAs(f.officer.user, f.officer.password);
    const future = await postForm(officer, '/allowances', { month: `${Number(today().slice(0, 4)) + 1}-01` }, '/allowances');
    expect(future.status).to.equal(422);
    expect(fieldError(future.text, 'month')).to.contain('尚未开始');

    // Rejected with a reason: the officer may generate the month again.
    const rejected = await postForm(finance, `/allowances/${list.id}/reject`, { reason: '人数与街道上报不符' }, `/allowances/${list.id}`);
    expect(rejected.status).to.equal(403);
    const finance2 = await loginAs(f.finance2.user, f.finance2.password);
    expect((await postForm(finance2, `/allowances/${list.id}/reject`, { reason: '' }, `/allowances/${list.id}`)).status).to.equal(422);
    expect((await postForm(finance2, `/allowances/${list.id}/reject`, { reason: '人数与街道上报不符' }, `/allowances/${list.id}`)).status).to.equal(302);
    expect((await list.reload()).status).to.equal('rejected');
    const next = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    expect(next.id).to.not.equal(list.id);
  });

  it('an officer keeps the schedule as history; others cannot; the rows export masks ID numbers; other districts see nothing', async () => {
    const f = await fixture();
    const w = await worker('full_time', `${f.year - 1}-12-01`);
    const officer = await loginAs(f.officer.user, f.officer.password);
    const added = await postForm(
      officer,
      '/allowances/rates',
      { role: 'director', employment: 'full_time', amount: '1,600', effectiveFrom: `${f.year}-09` },
      '/allowances/rates',
    );
    expect(added.status).to.equal(302);
    const rates = await officer.get(`/allowances/rates?districtId=${f.ft.id}`);
    expect(rates.text).to.contain('¥1,600.00').and.contain(`${f.year}-09`);
    const bad = await postForm(
      officer,
      '/allowances/rates',
      { role: 'director', employment: 'full_time', amount: '-5', effectiveFrom: `${f.year}-09` },
      '/allowances/rates',
    );
    expect(bad.status).to.equal(422);
    const finance = await loginAs(f.finance.user, f.finance.password);
    expect(
      (await postForm(finance, '/allowances/rates', { role: 'director', employment: 'full_time', amount: '1', effectiveFrom: `${f.year}-09` }, '/allowances'))
        .status,
    ).to.equal(403);
    expect((await postForm(finance, '/allowances', { month: f.month }, '/allowances')).status).to.equal(403);

    const list = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    const xlsx = await officer.get(`/allowances/${list.id}?format=xlsx`).buffer(true).parse(binaryParser);
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    const cells = book.worksheets[0].getSheetValues().flat().map(String);
    expect(cells).to.include(w.name).and.include(w.idNumberMasked);
    expect(cells.some((c) => /^\d{17}[\dX]$/.test(c))).to.equal(false);
    expect(await AuditEvent.count({ where: { action: 'allowance_list.export', recordType: 'allowance_list' } })).to.be.at.least(1);
    // A worker anonymised after the retention period (#20) is named as such, not by the stored placeholder.
    await w.update({ name: anonymisedName(w.id) });
    expect((await officer.get(`/allowances/${list.id}`)).text)
      .to.contain(`已匿名人员 #${w.id}`)
      .and.not.contain(`*** #${w.id}`);

    const other = await buildUser('officer', { districtCode: 'LH' });
    const outsider = await loginAs(other.user, other.password);
    expect((await outsider.get(`/allowances/${list.id}`)).status).to.equal(404);
    const admin = await buildUser('admin');
    expect((await (await loginAs(admin.user, admin.password)).get('/allowances')).status).to.equal(403);
  });

  it('marking a worker out of post records the day, so the months before it are still paid', async () => {
    const f = await fixture();
    const w = await worker('full_time', `${f.year - 1}-12-01`);
    await childWorkerStatusChanger(w.id, 'deactivate', f.byOfficer);
    expect((await w.reload()).leftPostOn).to.equal(today());
    const list = await allowanceListGenerator({ districtId: f.ft.id, month: f.month }, f.byOfficer);
    expect((await rowsOf(list)).has(w.id)).to.equal(true);
    await childWorkerStatusChanger(w.id, 'activate', f.byOfficer);
    expect((await w.reload()).leftPostOn).to.equal(null);
  });
});

describe('child workers’ allowances in the inbox (#21)', () => {
  it('a submitted list waits for finance who did not generate it, then for a second reviewer to record it paid', async () => {
    const built = await buildAllowanceList('submitted');
    const href = `/allowances/${built.list.id}`;
    const finance = await loginAs(built.finance.user, built.finance.password);
    expect((await finance.get('/inbox?kind=allowanceDecide')).text).to.contain(href);
    const officer = await loginAs(built.officer.user, built.officer.password);
    expect((await officer.get('/inbox')).text).to.not.contain(href);

    const approved = await buildAllowanceList('approved');
    const paidHref = `/allowances/${approved.list.id}`;
    expect((await (await loginAs(approved.finance.user, approved.finance.password)).get('/inbox?kind=allowancePay')).text).to.not.contain(paidHref);
    expect((await (await loginAs(approved.finance2.user, approved.finance2.password)).get('/inbox?kind=allowancePay')).text).to.contain(paidHref);
  });
});
