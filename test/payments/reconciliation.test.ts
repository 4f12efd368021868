import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { BankStatement, BankStatementLine } from '../../models/BankStatement.js';
import { Claim } from '../../models/Claim.js';
import { Payment } from '../../models/Payment.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { readStatement } from '../../server/schemas/bank-statement.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { buildOrganisation, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { type Agent, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { gbk } from '../support/gbk.js';

async function importFile(agent: Agent, bytes: Buffer, name: string) {
  const token = csrfFrom((await agent.get('/bank-statements')).text);
  return agent.post(`/bank-statements?_csrf=${encodeURIComponent(token)}`).attach('file', bytes, name);
}

const idOf = (location: string) => Number(/\/bank-statements\/(\d+)$/.exec(location)![1]);

describe('bank reconciliation (#18)', () => {
  it('reads the columns of Chinese and English exports by header, wherever the header row sits; only money paid out', async () => {
    const csv = gbk(
      [
        '中国工商银行 账户明细',
        '账号,4000021209200000001',
        '交易日期,交易流水号,对方户名,对方账号,借方发生额（元）,贷方发生额（元）,摘要',
        '2026-04-02,ICBC20260402001,阳光社工,4000 0212 0920 0123 456,"3,000.00",,CP-12 拨付',
        '2026/4/3,ICBC20260403002,财政局,9999,,"50,000.00",拨入',
      ].join('\r\n'),
    );
    const read = await readStatement(csv, 'csv');
    expect(read.skipped).to.equal(1);
    expect(read.lines).to.have.length(1);
    expect(read.lines[0]).to.include({
      valueDate: '2026-04-02',
      reference: 'ICBC20260402001',
      payeeAccount: '4000021209200123456',
      amountFen: 300_000,
      remark: 'CP-12 拨付',
    });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Statement');
    ws.addRow(['Date', 'Reference', 'Beneficiary Name', 'Beneficiary Account', 'Amount', 'Remark']);
    ws.addRow([new Date('2026-04-05T00:00:00Z'), 'CMB-77', 'Sunshine', '755912345610801', -1234.5, 'service fee']);
    ws.addRow([new Date('2026-04-06T00:00:00Z'), 'CMB-78', 'Bureau', '1', 99, 'income']);
    const xlsx = await readStatement(Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx');
    expect(xlsx.lines.map((l) => [l.valueDate, l.reference, l.amountFen])).to.deep.equal([['2026-04-05', 'CMB-77', 123_450]]);
  });

  it('matches by reference, account and amount; shows matched, unmatched, duplicated and ambiguous lines; confirming records the matched paid once; a second import changes nothing', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    const acct = `62${String(Date.now()).slice(-12)}01`;
    await s.organisation.update({ bankName: '中国工商银行深圳福田支行', bankAccount: acct });
    const claim = await buildClaim(s, { status: 'approved', lines: [{ amountFen: 12_345 }] });
    const built = await buildPaymentContract();
    const acct2 = `75${String(Date.now()).slice(-12)}02`;
    await built.organisation.update({ bankName: '招商银行', bankAccount: acct2 });
    const p1 = await buildPayment(built, built.instalments[0], { status: 'approved' });
    // Two payments of one amount to one account: a line for that amount without our reference is ambiguous.
    const twin = await buildPaymentContract({ instalmentFen: [300_000, 300_000] });
    await (await buildOrganisation()).reload();
    await twin.organisation.update({ bankAccount: acct2.replace(/02$/, '03') });
    const t1 = await buildPayment(twin, twin.instalments[0], { status: 'approved' });
    await buildPayment(twin, twin.instalments[1], { status: 'approved' });
    const lines = [
      '交易日期,交易流水号,对方户名,对方账号,借方发生额,摘要',
      `2026-04-02,ICBC0001,阳光,${acct},123.45,报销款`,
      `2026-04-02,ICBC0002,招商,${acct2},"3,000.00",CP-${p1.id}`,
      `2026-04-02,ICBC0002,招商,${acct2},"3,000.00",CP-${p1.id}`,
      `2026-04-03,ICBC0003,双子,${acct2.replace(/02$/, '03')},3000.00,服务费`,
      '2026-04-03,ICBC0004,无名,6222000000000000,88.00,其他',
    ];
    const file = Buffer.from(`\ufeff${lines.join('\n')}`, 'utf8');
    const cashier = await loginAs(s.cashier, TEST_PASSWORD);
    const imported = await importFile(cashier, file, '对账单.csv');
    expect(imported.status).to.equal(303);
    const statementId = idOf(imported.headers.location);
    const byStatus = async () => {
      const rows = await BankStatementLine.findAll({ where: { bankStatementId: statementId }, order: [['id', 'ASC']] });
      return rows.map((r) => [r.reference, r.status, r.paymentId]);
    };
    expect(await byStatus()).to.deep.equal([
      ['ICBC0001', 'matched', claim.paymentId],
      ['ICBC0002', 'matched', p1.id],
      ['ICBC0002', 'duplicate', null],
      ['ICBC0003', 'ambiguous', null],
      ['ICBC0004', 'unmatched', null],
    ]);
    const page = (await cashier.get(`/bank-statements/${statementId}`)).text;
    expect(page).to.match(/data-testid="count-matched">2</);
    expect(page).to.contain('有 2 笔已批准拨付的金额和收款账号都相符');

    // The same file again: the statement already there, nothing changed.
    const again = await importFile(cashier, file, '对账单.csv');
    expect(idOf(again.headers.location)).to.equal(statementId);
    expect(await BankStatement.count({ where: { id: statementId } })).to.equal(1);

    const paidBefore = await balance('paid', built.contract.id);
    const confirmed = await postForm(cashier, `/bank-statements/${statementId}/confirm`, {});
    expect(confirmed.status).to.equal(303);
    expect(await Payment.findByPk(p1.id)).to.include({ status: 'paid', bankReference: 'ICBC0002', paidOn: '2026-04-02', paidBy: s.cashier.id });
    expect((await Claim.findByPk(claim.id))!.status).to.equal('paid');
    expect((await Payment.findByPk(t1.id))!.status).to.equal('approved');
    expect(await balance('paid', built.contract.id)).to.equal(paidBefore + 300_000);
    expect((await byStatus()).map((r) => r[1])).to.deep.equal(['recorded', 'recorded', 'duplicate', 'ambiguous', 'unmatched']);
    expect((await verifyLedger()).ok).to.equal(true);

    // Confirmed again, or the same lines in another file: nothing is paid twice.
    expect((await postForm(cashier, `/bank-statements/${statementId}/confirm`, {})).status).to.equal(303);
    const other = await importFile(cashier, Buffer.from(`${lines.slice(0, 3).join('\n')}\n`, 'utf8'), '对账单-2.csv');
    const otherId = idOf(other.headers.location);
    expect(otherId).to.not.equal(statementId);
    const otherLines = await BankStatementLine.findAll({ where: { bankStatementId: otherId }, order: [['id', 'ASC']] });
    expect(otherLines.map((l) => l.status)).to.deep.equal(['duplicate', 'duplicate']);
    expect(await balance('paid', built.contract.id)).to.equal(paidBefore + 300_000);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('imports an export as the bank writes it: GBK, the bank and account named above the header row', async () => {
    const s = await buildClaimSetup();
    const file = gbk(
      [
        '中国工商银行 账户交易明细',
        '账号：4000021209200000001',
        '起止日期：2026-04-01 至 2026-04-30',
        '交易日期,交易流水号,对方户名,对方账号,借方发生额（元）,贷方发生额（元）,摘要',
        `2026-04-02,ICBC${Date.now()}T,阳光社工,6222000000000077,88.00,,服务费`,
      ].join('\r\n'),
    );
    const res = await importFile(await loginAs(s.cashier, TEST_PASSWORD), file, '工行明细.csv');
    expect(res.status).to.equal(303);
    const lines = await BankStatementLine.findAll({ where: { bankStatementId: idOf(res.headers.location) } });
    expect(lines.map((l) => [l.payeeName, l.amountFen, l.status])).to.deep.equal([['阳光社工', 8_800, 'unmatched']]);
  });

  it('the approver cannot record from a statement (separate duties): the line keeps the reason', async () => {
    const built = await buildPaymentContract();
    const s = await buildClaimSetup();
    const acct = `66${String(Date.now()).slice(-12)}09`;
    await built.organisation.update({ bankAccount: acct });
    const p = await buildPayment(built, built.instalments[0]);
    await paymentApprover(p.id, { actor: actorOf(s.finance) });
    const approver = await loginAs(s.finance, TEST_PASSWORD);
    const res = await importFile(approver, Buffer.from(`交易日期,交易流水号,对方账号,借方发生额\n2026-04-02,BOC0009,${acct},3000.00\n`), 'boc.csv');
    const id = idOf(res.headers.location);
    await postForm(approver, `/bank-statements/${id}/confirm`, {});
    const line = (await BankStatementLine.findOne({ where: { bankStatementId: id } }))!;
    expect(line).to.include({ status: 'matched', reasonKey: 'payments.errors.ownApproval' });
    expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
  });
});
