import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { formValues } from '../support/forms.js';
import { AuditEvent } from '../../models/index.js';
import { Claim, ClaimLine } from '../../models/Claim.js';
import { Engagement } from '../../models/Engagement.js';
import { verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup, classicFapiao } from '../factories/claims.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { pdfBytes } from '../factories/organisations.js';
import { addTrainings, buildWorker } from '../factories/workers.js';
import { type Agent, anonymous, binaryParser, csrfFrom, fieldError, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

async function addLine(agent: Agent, claimId: number, fields: Record<string, string>, file = pdfBytes('发票')) {
  const page = (await agent.get(`/claims/${claimId}`)).text;
  const token = csrfFrom(page);
  // The line form's claim version, as the page carries it (a stale one is refused, #14).
  let req = agent.post(`/claims/${claimId}/lines?_csrf=${encodeURIComponent(token)}`).field('_version', formValues(page, `/claims/${claimId}/lines`)._version);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('receipt', file, '发票.pdf');
}

describe('claims: pages', () => {
  it('sends the anonymous to sign in and refuses the wrong role (403)', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s);
    for (const url of ['/claims', `/claims/${claim.id}`, '/claims/queue', '/claims/totals', `/contracts/${s.contract.id}/engagements`]) {
      const res = await anonymous().get(url);
      expect(res.status, url).to.equal(302);
      expect(res.headers.location).to.match(/^\/login/);
    }
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    expect((await org.get('/claims/queue')).status).to.equal(403);
    expect((await postForm(org, `/claims/${claim.id}/verify`, {})).status).to.equal(403);
    const inspector = (await buildUser('inspector')).user;
    expect((await postForm(await loginAs(inspector, TEST_PASSWORD), `/claims/${claim.id}/approve`, {})).status).to.equal(403);
  });

  it('takes a line typed as people type it (¥1,200.00, full-width digits from an IME) and refuses an ambiguous amount with an example', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const claim = await buildClaim(s);
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const wide = (text: string) => text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const f = classicFapiao();
    const typed = await addLine(org, claim.id, {
      spentOn: '2026-03-05',
      kind: 'transport',
      description: '宽字符',
      amount: '￥１２．５０',
      fapiaoCode: wide(f.code),
      fapiaoNumber: wide(f.number),
    });
    expect(typed.status, fieldError(typed.text, 'amount') ?? fieldError(typed.text, 'fapiaoNumber') ?? '').to.equal(302);
    const line = (await ClaimLine.findOne({ where: { claimId: claim.id, description: '宽字符' } }))!;
    expect(line.amountFen).to.equal(1250);
    expect(line.fapiaoNumber).to.equal(f.number);
    const g = classicFapiao();
    const ambiguous = await addLine(org, claim.id, {
      spentOn: '2026-03-06',
      kind: 'transport',
      description: '含糊',
      amount: '1,20',
      fapiaoCode: g.code,
      fapiaoNumber: g.number,
    });
    expect(ambiguous.status).to.equal(422);
    expect(fieldError(ambiguous.text, 'amount')).to.contain('¥1,200.00');
    const noCode = await addLine(org, claim.id, {
      spentOn: '2026-03-06',
      kind: 'transport',
      description: '无代码',
      amount: '1',
      fapiaoCode: '',
      fapiaoNumber: wide(g.number),
    });
    expect(noCode.status).to.equal(422);
    expect(fieldError(noCode.text, 'fapiaoCode')).to.contain('8 位发票号码需同时填写发票代码');
    expect(typed.headers.location).to.be.a('string');
    expect((await org.get(`/claims/${claim.id}`)).text).to.match(/name="amount"[^>]*inputmode="decimal"/);
  });

  it('the whole path through the pages: engage, claim with a receipt, submit, verify, approve, pay; the contract page shows the director share', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    const { worker, idNumber } = await buildWorker({ kind: 'supervisor' });
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-02' }]);
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const engage = await postForm(org, `/contracts/${s.contract.id}/engagements`, { idNumber, startsOn: '2026-02-01', endsOn: '2026-06-30' });
    expect(engage.status).to.equal(302);
    const page = await org.get(`/contracts/${s.contract.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="claims-section"');
    expect(page.text).to.match(/data-testid="director-share">50 %</);
    expect(page.text).not.to.contain(idNumber);
    const engagement = (await Engagement.findOne({ where: { childWorkerId: worker.id } }))!;
    expect((await org.get(`/claims/new?contractId=${s.contract.id}`)).status).to.equal(200);
    const created = await postForm(org, '/claims', { contractId: String(s.contract.id), engagementId: String(engagement.id), month: '2026-03' });
    expect(created.status).to.equal(302);
    const claim = (await Claim.findOne({ where: { childWorkerId: worker.id } }))!;
    const f = classicFapiao();
    const line = await addLine(org, claim.id, {
      spentOn: '2026-03-05',
      kind: 'transport',
      description: '福田—南山 往返',
      amount: '123.45',
      fapiaoCode: f.code,
      fapiaoNumber: f.number,
    });
    expect(line.status, line.text).to.equal(302);
    const again = await addLine(org, claim.id, {
      spentOn: '2026-03-06',
      kind: 'transport',
      description: '再报一次',
      amount: '1.00',
      fapiaoCode: f.code,
      fapiaoNumber: f.number,
    });
    expect(again.status).to.equal(422);
    expect(fieldError(again.text, 'fapiaoNumber')).to.contain('不能重复报销');
    expect(again.text).to.contain('再报一次');
    const receipt = (await ClaimLine.findOne({ where: { claimId: claim.id } }))!;
    const download = await org.get(`/claims/${claim.id}/receipts/${receipt.receiptFileId}`);
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.match(/^attachment/);
    expect((await postForm(org, `/claims/${claim.id}/submit`, {})).status).to.equal(302);
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    expect((await officer.get('/claims/queue')).text).to.contain(`data-id="${claim.id}"`);
    expect((await postForm(officer, `/claims/${claim.id}/verify`, {})).status).to.equal(302);
    const finance = await loginAs(s.finance, TEST_PASSWORD);
    expect((await finance.get('/')).text).to.contain('待审批的报销申请');
    expect((await postForm(finance, `/claims/${claim.id}/approve`, {})).status).to.equal(302);
    expect((await finance.get(`/claims/${claim.id}`)).text, 'the approver is told who pays').to.contain('data-testid="second-reviewer"');
    expect((await postForm(finance, `/claims/${claim.id}/pay`, { bankReference: 'ICBC-0001', paidOn: '2026-04-01' })).status, 'approver pays').to.equal(403);
    const cashier = await loginAs(s.cashier, TEST_PASSWORD);
    const paid = await postForm(cashier, `/claims/${claim.id}/pay`, { bankReference: 'ICBC-0001', paidOn: '2026-04-01' });
    expect(paid.status, paid.text.slice(0, 3000)).to.equal(302);
    expect((await Claim.findByPk(claim.id))!.status).to.equal('paid');
    const shown = await org.get(`/claims/${claim.id}`);
    expect(shown.text).to.contain('data-testid="claim-status">已支付');
    expect(shown.text).to.contain('核实报销申请');
    const form = await org.get(`/claims/${claim.id}/form`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('壹佰贰拾叁元肆角伍分');
    expect(form.text, 'the claim form carries the payment').to.match(/data-testid="paid-on">2026-04-01</);
    expect(form.text).to.match(/data-testid="bank-reference">ICBC-0001</);
    expect(shown.text, 'the payment link reads as words').to.match(/data-testid="payment-link">拨付 #\d+</);
    await s.organisation.update({ bankName: '中国工商银行深圳福田支行', bankAccount: '4000021209200123456' });
    const paymentForm = await org.get(`/payments/${(await Claim.findByPk(claim.id))!.paymentId}/form`);
    expect(paymentForm.text).to.match(new RegExp(`data-testid="instalment">报销申请 #${claim.id}（2026-03）<`));
    expect(paymentForm.text).to.contain('4000 0212 0920 0123 456');
    expect(paymentForm.text).to.contain('中国工商银行深圳福田支行');
    expect(paymentForm.text.match(/data-testid="funding">[^<]*/)?.[0]).to.match(/一般公共预算 · \d{4} /);
    expect((await verifyLedger()).ok).to.equal(true);
    const staff = await loginAs((await buildUser('officer')).user, TEST_PASSWORD);
    const workerPage = await staff.get(`/workers/${worker.id}`);
    expect(workerPage.text).to.contain('data-testid="worker-claims"');
    expect(workerPage.text).to.contain(`data-id="${claim.id}"`);
  });

  it('a returned claim shows its reasons to the organisation, which corrects and resubmits it; a refused submission shows the error on the line', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'submitted', lines: [{ spentOn: '2026-03-10' }] });
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const noReason = await postForm(officer, `/claims/${claim.id}/return`, { reason: '' });
    expect(noReason.status).to.equal(422);
    expect(fieldError(noReason.text, 'reason')).to.not.equal(null);
    expect((await postForm(officer, `/claims/${claim.id}/return`, { reason: '请补充路线说明' })).status).to.equal(302);
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const page = await org.get(`/claims/${claim.id}`);
    expect(page.text).to.contain('data-testid="claim-reason"');
    expect(page.text).to.contain('请补充路线说明');
    expect((await org.get('/claims?status=returned')).text).to.contain(`data-id="${claim.id}"`);
    await s.engagement.update({ startsOn: '2026-03-11' });
    const refused = await postForm(org, `/claims/${claim.id}/submit`, {});
    expect(refused.status).to.equal(422);
    const line = (await ClaimLine.findOne({ where: { claimId: claim.id } }))!;
    expect(refused.text).to.contain(`data-testid="line-error-${line.id}"`);
    await s.engagement.update({ startsOn: '2026-01-10' });
    expect((await postForm(org, `/claims/${claim.id}/submit`, {})).status).to.equal(302);
    expect((await Claim.findByPk(claim.id))!.status).to.equal('submitted');
  });

  it("keeps organisations apart: another organisation's claim, receipt and contract answer 404, and its lists and exports never show them", async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s);
    const line = (await ClaimLine.findOne({ where: { claimId: claim.id } }))!;
    const other = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    for (const url of [
      `/claims/${claim.id}`,
      `/claims/${claim.id}/form`,
      `/claims/${claim.id}/receipts/${line.receiptFileId}`,
      `/contracts/${s.contract.id}/engagements`,
      `/claims/new?contractId=${s.contract.id}`,
    ]) {
      expect((await other.get(url)).status, url).to.equal(404);
    }
    expect((await postForm(other, `/claims/${claim.id}/submit`, {})).status).to.equal(404);
    expect((await other.get('/claims')).text).not.to.contain(`data-id="${claim.id}"`);
    const lg = await loginAs((await buildUser('officer', { districtCode: 'LG' })).user, TEST_PASSWORD);
    expect((await lg.get(`/claims/${claim.id}`)).status).to.equal(404);
  });

  it('exports exactly the filtered claims as CSV and XLSX (audited), and the monthly totals per organisation and district', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const a = await buildClaim(s, { status: 'approved', lines: [{ amountFen: 10_000 }] });
    const b = await buildClaim(s, { status: 'submitted', month: '2026-04', lines: [{ amountFen: 2_500 }] });
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const csv = await officer.get(`/claims?contractId=${s.contract.id}&month=2026-03&format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.contain(`${a.id},2026-03`);
    expect(csv.text).not.to.contain(`${b.id},2026-04`);
    const xlsx = await officer.get(`/claims?contractId=${s.contract.id}&format=xlsx`).buffer(true).parse(binaryParser);
    const book = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    expect(book.worksheets[0].rowCount).to.equal(3);
    expect(await AuditEvent.count({ where: { action: 'claim.export' } })).to.be.greaterThan(1);
    const totals = await officer.get('/claims/totals?year=2026');
    expect(totals.status).to.equal(200);
    expect(totals.text).to.contain(s.organisation.name);
    const totalsCsv = await officer.get('/claims/totals?year=2026&format=csv');
    expect(totalsCsv.text).to.contain(`2026-03,福田区,${s.organisation.name},1,100.00,100.00,0.00`);
    expect(totalsCsv.text).to.contain(`2026-04,福田区,${s.organisation.name},1,25.00,0.00,0.00`);
  });

  it('the administrator sets the city default caps, an officer a contract’s own; 422 beside a bad amount', async () => {
    const s = await buildClaimSetup();
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    expect((await admin.get('/claims/caps')).status).to.equal(200);
    const bad = await postForm(admin, '/claims/caps', { transport: '-1', communication: '100' });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'transport')).to.not.equal(null);
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const opened = formValues((await officer.get(`/contracts/${s.contract.id}/claim-caps`)).text, `/contracts/${s.contract.id}/claim-caps`);
    expect((await postForm(officer, `/contracts/${s.contract.id}/claim-caps`, { ...opened, transport: '500', communication: '150.50' })).status).to.equal(302);
    expect((await officer.get(`/contracts/${s.contract.id}`)).text).to.contain('本合同设定');
    expect((await postForm(officer, '/claims/caps', { transport: '1', communication: '1' })).status).to.equal(403);
  });

  it('reads a list page with the same number of queries for 5 and 50 claims, and refuses an unknown sort (400)', async function () {
    this.timeout(60_000);
    const s = await buildClaimSetup();
    const base = {
      contractId: s.contract.id,
      organisationId: s.contract.organisationId,
      districtId: s.contract.districtId,
      childWorkerId: s.worker.id,
      engagementId: s.engagement.id,
      createdBy: s.orgUser.id,
    };
    await Claim.bulkCreate(
      Array.from({ length: 50 }, (_, i) => ({
        ...base,
        month: `2026-${String((i % 12) + 1).padStart(2, '0')}`,
        status: i < 5 ? ('submitted' as const) : ('draft' as const),
        totalFen: 100 + i,
      })),
    );
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    expect((await officer.get('/claims?sort=drop')).status).to.equal(400);
    const sequelize = testSequelize();
    const countQueries = async (url: string, rows: number) => {
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-claim-queries', () => {
        n += 1;
      });
      try {
        const res = await officer.get(url);
        expect(res.status).to.equal(200);
        expect([...res.text.matchAll(/data-testid="claim-row"/g)].length).to.equal(rows);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-claim-queries');
      }
      return n;
    };
    const five = await countQueries(`/claims?contractId=${s.contract.id}&status=submitted&perPage=10&sort=total`, 5);
    const fifty = await countQueries(`/claims?contractId=${s.contract.id}&perPage=50&sort=total`, 50);
    expect(fifty).to.equal(five);
  });

  it('each reader sees the columns and filters that mean something to them, choosing a contract or organisation by name (#13)', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'submitted' });
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const own = (await org.get('/claims')).text;
    expect(own).to.contain(`data-id="${claim.id}"`);
    // Their own organisation's name on every row, and filters by district or organisation, say nothing to them.
    expect(own).to.not.contain('<th scope="col">社会组织</th>').and.not.contain('<th scope="col">区</th>');
    expect(own).to.not.contain(s.organisation.name);
    expect(own).to.not.match(/name="(?:districtId|organisationId|organisationText)"/);
    expect(own).to.match(new RegExp(`<select[^>]*name="contractId"[^]*?<option value="${s.contract.id}">${s.contract.number}</option>`));
    // A Futian officer sees one district: no district column or filter; organisations and contracts by name.
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const staff = (await officer.get('/claims')).text;
    expect(staff).to.contain('<th scope="col">社会组织</th>').and.not.contain('<th scope="col">区</th>');
    expect(staff).to.not.match(/name="districtId"/);
    expect(staff).to.match(new RegExp(`<option value="${s.organisation.id}">${s.organisation.name}</option>`));
    expect(staff).to.contain(`<option value="${s.contract.id}">${s.contract.number}（${s.organisation.name}）</option>`);
    expect(staff).to.not.match(/type="number"[^>]*name="(?:contractId|organisationId)"|name="(?:contractId|organisationId)"[^>]*type="number"/);
    const csv = await officer.get(`/claims?contractId=${s.contract.id}&format=csv`);
    const header = csv.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')[0]
      .split(',');
    expect(header).to.include('社会组织').and.not.include('区');
    // A city inspector sees every district: the column and the filter are there.
    const city = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    const all = (await city.get(`/claims?contractId=${s.contract.id}`)).text;
    expect(all)
      .to.contain('<th scope="col">区</th>')
      .and.match(/name="districtId"/);
    // A worker's claims (a link from the worker's page) show the worker by name, with a way to clear it.
    const byWorker = (await officer.get(`/claims?childWorkerId=${s.worker.id}`)).text;
    expect(byWorker).to.contain('data-testid="chosen-childWorkerId"').and.contain(`已选：${s.worker.name}`);
    const chip = byWorker.slice(byWorker.indexOf('data-testid="chosen-childWorkerId"'));
    const clear = /<a class="small ms-1" href="([^"]+)">取消<\/a>/.exec(chip)![1];
    expect(clear)
      .to.match(/^\/claims/)
      .and.not.contain('childWorkerId');
  });
});
