import { expect } from 'chai';
import { Agency, AuditEvent, District, User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { ForbiddenError } from '../../server/errors.js';
import { actorOf } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD, unique } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';
import { versionNow } from '../support/forms.js';

const paid = { bankReference: 'ICBC-0042', paidOn: '2026-03-01' };
const by = (user: Parameters<typeof actorOf>[0]) => ({ actor: actorOf(user) });

describe('payments: approving and paying are separate duties (DOMAIN.md, Decisions)', () => {
  it('the finance user who approved a payment cannot record it paid (403, saying why); a second one of the district can', async () => {
    const built = await buildPaymentContract();
    const approver = (await buildUser('finance')).user;
    const p = await buildPayment(built, built.instalments[0], { status: 'requested' });
    await paymentApprover(p.id, by(approver));
    const refused = await paymentPayer(p.id, paid, by(approver)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(ForbiddenError);
    expect((refused as ForbiddenError).messageKey).to.equal('payments.errors.ownApproval');
    expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
    const cashier = (await buildUser('finance')).user;
    expect((await paymentPayer(p.id, paid, by(cashier))).status).to.equal('paid');
  });

  it('the administrator records the one-reviewer exception per district (audited, with its reason), refused while two finance users are active', async () => {
    const district = await District.create({
      code: unique('X').slice(0, 8),
      name: unique('测试区'),
      nameEn: 'Test',
      gbCode: null,
      kind: 'district',
      sortOrder: 99,
    });
    await Agency.create({ districtId: district.id, kind: 'finance', name: `${district.name}财政局` });
    try {
      await recordsTheException(district);
    } finally {
      // Other tests of this process count the districts: this one leaves with its users and agency.
      await User.destroy({ where: { districtId: district.id } });
      await Agency.destroy({ where: { districtId: district.id } });
      await district.destroy();
    }
  });

  async function recordsTheException(district: District) {
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    const base = async () => ({ name: district.name, nameEn: 'Test', _version: await versionNow(district) });
    const noReason = await postForm(admin, `/reference/districts/${district.id}`, {
      ...(await base()),
      singleFinanceReviewer: '1',
      singleFinanceReviewerNote: '',
    });
    expect(noReason.status).to.equal(422);
    expect(fieldError(noReason.text, 'singleFinanceReviewerNote')).to.contain('理由');
    await buildUser('finance', { districtCode: district.code });
    const second = await buildUser('finance', { districtCode: district.code });
    const two = await postForm(admin, `/reference/districts/${district.id}`, {
      ...(await base()),
      singleFinanceReviewer: '1',
      singleFinanceReviewerNote: '编制只有一人',
    });
    expect(two.status).to.equal(422);
    expect(two.text).to.contain('不止一名在职的财政审核人');
    expect(two.text, 'the box stays ticked').to.match(/name="singleFinanceReviewer" value="1" checked/);
    await second.user.update({ status: 'disabled' });
    const ok = await postForm(admin, `/reference/districts/${district.id}`, {
      ...(await base()),
      singleFinanceReviewer: '1',
      singleFinanceReviewerNote: '编制只有一人',
    });
    expect(ok.status).to.equal(302);
    const after = (await District.findByPk(district.id))!;
    expect(after.singleFinanceReviewer).to.equal(true);
    expect(after.singleFinanceReviewerNote).to.equal('编制只有一人');
    const event = (await AuditEvent.findOne({ where: { action: 'reference.district_update', recordId: String(district.id) }, order: [['seq', 'DESC']] }))!;
    expect(JSON.parse(event.detail!)).to.deep.include({
      after: { name: district.name, nameEn: 'Test', singleFinanceReviewer: true, singleFinanceReviewerNote: '编制只有一人' },
    });
    expect((await admin.get(`/reference/districts/${district.id}`)).text).to.contain('同一人可审批并登记支付');
    const off = await postForm(admin, `/reference/districts/${district.id}`, await base());
    expect(off.status).to.equal(302);
    expect((await District.findByPk(district.id))!.singleFinanceReviewer).to.equal(false);
  }

  it('with the exception recorded, the approver records the payment paid and the printed form says so', async () => {
    const built = await buildPaymentContract();
    const ft = (await District.findByPk(built.contract.districtId))!;
    await ft.update({ singleFinanceReviewer: true, singleFinanceReviewerNote: '测试：本区仅一名财政审核人' });
    try {
      const approver = (await buildUser('finance')).user;
      const p = await buildPayment(built, built.instalments[0], { status: 'requested' });
      await paymentApprover(p.id, by(approver));
      const agent = await loginAs(approver, TEST_PASSWORD);
      const page = await agent.get(`/payments/${p.id}`);
      expect(page.text).to.contain('data-testid="pay-form"');
      expect(page.text).not.to.contain('data-testid="second-reviewer"');
      expect((await postForm(agent, `/payments/${p.id}/pay`, paid)).status).to.equal(302);
      const form = await agent.get(`/payments/${p.id}/form`);
      expect(form.text).to.contain('data-testid="single-reviewer"');
      expect(form.text).to.contain('测试：本区仅一名财政审核人');
    } finally {
      await ft.update({ singleFinanceReviewer: false, singleFinanceReviewerNote: null });
    }
  });
});
