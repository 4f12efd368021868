import { expect } from 'chai';
import { AuditEvent, type User } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { LedgerEntry } from '../../models/LedgerEntry.js';
import { PAYMENT_STATUSES, PAYMENT_TRANSITIONS, Payment, type PaymentStatus, type PaymentTransition } from '../../models/Payment.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../../server/commands/payments/paymentRejecter.js';
import { milestoneMarker, paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { dialectOf } from '../../server/db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { actorOf } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';

const by = (user: User, cityLevel = false) => ({ actor: actorOf(user, cityLevel) });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const paid = { bankReference: 'ICBC-20260301-0001', paidOn: '2026-03-01' };

describe('payments: commands', () => {
  describe('the transition table', () => {
    it('runs scheduled → due → requested → approved → paid, moving the money once and auditing each step', async () => {
      const built = await buildPaymentContract({ instalmentStatus: 'scheduled' });
      const finance = (await buildUser('finance')).user;
      const cashier = (await buildUser('finance')).user;
      const [first] = built.instalments;
      expect((await milestoneMarker(first.id, by(built.officer))).status).to.equal('due');
      const payment = await paymentRequester(first.id, by(built.officer));
      expect(payment.status).to.equal('requested');
      expect((await Instalment.findByPk(first.id))!.status).to.equal('requested');
      expect((await paymentApprover(payment.id, by(finance))).status).to.equal('approved');
      expect((await Instalment.findByPk(first.id))!.status).to.equal('approved');
      const done = await paymentPayer(payment.id, paid, by(cashier));
      expect(done.status).to.equal('paid');
      expect(done.bankReference).to.equal(paid.bankReference);
      expect(done.paidOn).to.equal(paid.paidOn);
      expect((await Instalment.findByPk(first.id))!.status).to.equal('paid');
      expect(await balance('paid', built.contract.id)).to.equal(300_000);
      expect(await balance('contract_committed', built.contract.id)).to.equal(700_000);
      for (const action of ['instalment.milestone_met', 'payment.request', 'payment.approve', 'payment.pay']) {
        expect(await AuditEvent.count({ where: { action } }), action).to.be.greaterThan(0);
      }
      const events = await AuditEvent.findAll({ where: { recordType: 'payment', recordId: String(payment.id) }, order: [['id', 'ASC']] });
      expect(events.map((e) => e.action)).to.deep.equal(['payment.request', 'payment.approve', 'payment.pay']);
    });

    it('rejects a requested or approved payment with its reason; the instalment is due again and may be requested anew', async () => {
      const built = await buildPaymentContract();
      const finance = (await buildUser('finance')).user;
      const p1 = await buildPayment(built, built.instalments[0], { status: 'requested' });
      const rejected = await paymentRejecter(p1.id, '材料不全', by(finance));
      expect(rejected.status).to.equal('rejected');
      expect(rejected.rejectionReason).to.equal('材料不全');
      expect((await Instalment.findByPk(built.instalments[0].id))!.status).to.equal('due');
      const again = await paymentRequester(built.instalments[0].id, by(built.officer));
      expect(again.status).to.equal('requested');
      const p2 = await buildPayment(built, built.instalments[1], { status: 'approved' });
      expect((await paymentRejecter(p2.id, '银行账户有误', by(finance))).status).to.equal('rejected');
    });

    const moves: Record<PaymentTransition, (id: number, finance: User) => Promise<unknown>> = {
      approve: (id, finance) => paymentApprover(id, by(finance)),
      reject: (id, finance) => paymentRejecter(id, '不符合', by(finance)),
      pay: (id, finance) => paymentPayer(id, paid, by(finance)),
    };
    for (const [transition, { from }] of Object.entries(PAYMENT_TRANSITIONS) as [PaymentTransition, { from: readonly PaymentStatus[] }][]) {
      const refused = PAYMENT_STATUSES.filter((s) => !from.includes(s) && s !== 'paid');
      it(`refuses to ${transition} from ${refused.join(', ')} with 409, changing nothing`, async () => {
        const finance = (await buildUser('finance')).user;
        for (const status of refused) {
          const built = await buildPaymentContract();
          const p = await buildPayment(built, built.instalments[0], { status });
          const entries = await LedgerEntry.count();
          const e = await errorOf(moves[transition](p.id, finance));
          expect(e, `${transition} from ${status}`).to.be.instanceOf(ConflictError);
          expect((e as ConflictError).status).to.equal(409);
          expect((await Payment.findByPk(p.id))!.status).to.equal(status);
          expect(await LedgerEntry.count()).to.equal(entries);
        }
      });
    }

    it('refuses every move from paid with 409', async () => {
      const built = await buildPaymentContract();
      const finance = (await buildUser('finance')).user;
      const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
      await paymentPayer(p.id, paid, by(finance));
      for (const transition of Object.keys(moves) as PaymentTransition[]) {
        expect(await errorOf(moves[transition](p.id, finance)), transition).to.be.instanceOf(ConflictError);
      }
      expect(await balance('paid', built.contract.id)).to.equal(300_000);
    });
  });

  describe('requests', () => {
    it('refuses a milestone not met, a contract not active, and marking a milestone twice (409)', async () => {
      const scheduled = await buildPaymentContract({ instalmentStatus: 'scheduled' });
      expect(await errorOf(paymentRequester(scheduled.instalments[0].id, by(scheduled.officer)))).to.be.instanceOf(ConflictError);
      await milestoneMarker(scheduled.instalments[0].id, by(scheduled.officer));
      expect(await errorOf(milestoneMarker(scheduled.instalments[0].id, by(scheduled.officer)))).to.be.instanceOf(ConflictError);
      const draft = await buildPaymentContract({ status: 'draft' });
      const e = await errorOf(paymentRequester(draft.instalments[0].id, by(draft.officer)));
      expect(e).to.be.instanceOf(ConflictError);
      expect((e as ConflictError).messageKey).to.equal('payments.errors.contractNotActive');
      expect(await Payment.count({ where: { contractId: draft.contract.id } })).to.equal(0);
    });

    it('refuses the last instalment that waits for a confirmed final evaluation of at least 合格 (409)', async () => {
      const built = await buildPaymentContract({ lastNeedsEvaluation: true });
      const last = built.instalments[built.instalments.length - 1];
      const e = await errorOf(paymentRequester(last.id, by(built.officer)));
      expect(e).to.be.instanceOf(ConflictError);
      expect((e as ConflictError).messageKey).to.equal('payments.errors.needsFinalEvaluation');
      expect(await Payment.count({ where: { instalmentId: last.id } })).to.equal(0);
    });

    it('a double submission requests once: the second (sequential or racing) changes nothing', async () => {
      const built = await buildPaymentContract();
      const id = built.instalments[0].id;
      const results = await Promise.allSettled([paymentRequester(id, by(built.officer)), paymentRequester(id, by(built.officer))]);
      expect(results.filter((r) => r.status === 'fulfilled').length).to.equal(1);
      expect(await errorOf(paymentRequester(id, by(built.officer)))).to.be.instanceOf(ConflictError);
      expect(await Payment.count({ where: { instalmentId: id } })).to.equal(1);
      expect(
        await AuditEvent.count({ where: { action: 'payment.request', recordId: String((await Payment.findOne({ where: { instalmentId: id } }))!.id) } }),
      ).to.equal(1);
    });

    it('an officer of another district cannot request (404)', async () => {
      const built = await buildPaymentContract();
      const other = (await buildUser('officer', { districtCode: 'NS' })).user;
      expect(await errorOf(paymentRequester(built.instalments[0].id, by(other)))).to.be.instanceOf(NotFoundError);
    });
  });

  describe('segregation of duties and scope', () => {
    it('whoever requested a payment never approves or rejects it (403); finance of another district does not find it (404)', async () => {
      const built = await buildPaymentContract();
      const finance = (await buildUser('finance')).user;
      const p = await buildPayment(built, built.instalments[0], { requester: finance });
      expect(await errorOf(paymentApprover(p.id, by(finance)))).to.be.instanceOf(ForbiddenError);
      expect(await errorOf(paymentRejecter(p.id, '自审', by(finance)))).to.be.instanceOf(ForbiddenError);
      const ns = (await buildUser('finance', { districtCode: 'NS' })).user;
      expect(await errorOf(paymentApprover(p.id, by(ns)))).to.be.instanceOf(NotFoundError);
      expect((await Payment.findByPk(p.id))!.status).to.equal('requested');
      const city = (await buildUser('finance', { districtCode: 'SZ' })).user;
      expect((await paymentApprover(p.id, by(city, true))).status).to.equal('approved');
    });
  });

  describe('the sum paid never exceeds what the contract committed', () => {
    it('refuses to record paid beyond the committed balance (409), changing nothing, the ledger balanced', async () => {
      const built = await buildPaymentContract({ committedFen: 500_000, instalmentFen: [300_000, 300_000] });
      const finance = (await buildUser('finance')).user;
      const [a, b] = await Promise.all(built.instalments.map((i) => buildPayment(built, i, { status: 'approved' })));
      await paymentPayer(a.id, paid, by(finance));
      const e = await errorOf(paymentPayer(b.id, paid, by(finance)));
      expect(e).to.be.instanceOf(ConflictError);
      expect((e as ConflictError).messageKey).to.equal('payments.errors.exceedsCommitted');
      expect((await Payment.findByPk(b.id))!.status).to.equal('approved');
      expect(await balance('paid', built.contract.id)).to.equal(300_000);
      expect(await balance('contract_committed', built.contract.id)).to.equal(200_000);
      const report = await verifyLedger();
      expect(report.ok, JSON.stringify(report)).to.equal(true);
    });

    it(`10 parallel "record paid" whose sum exceeds the commitment pay only what fits (${process.env.TEST_DATABASE_URL ? 'MariaDB/MySQL' : 'SQLite file'})`, async function () {
      this.timeout(120_000);
      const built = await buildPaymentContract({ committedFen: 1_000_000, instalmentFen: Array.from({ length: 10 }, () => 150_000) });
      const payers = await Promise.all([0, 1, 2].map(async () => actorOf((await buildUser('finance')).user)));
      const payments = await Promise.all(built.instalments.map((i) => buildPayment(built, i, { status: 'approved' })));
      const results = await Promise.allSettled(payments.map((p, i) => paymentPayer(p.id, paid, { actor: payers[i % payers.length] })));
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.length - refused.length, `${dialectOf()}: ${refused.map((r) => String(r.reason)).join('; ')}`).to.equal(6);
      for (const r of refused) expect(r.reason).to.be.instanceOf(ConflictError);
      expect(await Payment.count({ where: { contractId: built.contract.id, status: 'paid' } })).to.equal(6);
      expect(await balance('paid', built.contract.id)).to.equal(900_000);
      expect(await balance('contract_committed', built.contract.id)).to.equal(100_000);
      expect(await AuditEvent.count({ where: { action: 'payment.pay', recordId: payments.map((p) => String(p.id)) } })).to.equal(6);
      const report = await verifyLedger();
      expect(report.ok, JSON.stringify(report)).to.equal(true);
    });

    it('the same payment recorded paid 5 times at once moves its money once', async function () {
      this.timeout(60_000);
      const built = await buildPaymentContract();
      const finance = actorOf((await buildUser('finance')).user);
      const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => paymentPayer(p.id, paid, { actor: finance })));
      expect(results.filter((r) => r.status === 'fulfilled').length).to.equal(1);
      expect(await balance('paid', built.contract.id)).to.equal(300_000);
    });

    it('a failure injected after the ledger movement leaves nothing changed', async () => {
      const built = await buildPaymentContract();
      const finance = (await buildUser('finance')).user;
      const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
      const entries = await LedgerEntry.count();
      const e = await errorOf(
        paymentPayer(p.id, paid, by(finance), {
          afterLedger: async () => {
            throw new Error('injected');
          },
        }),
      );
      expect((e as Error).message).to.equal('injected');
      expect(await LedgerEntry.count()).to.equal(entries);
      expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
      expect(await balance('paid', built.contract.id)).to.equal(0);
    });
  });
});
