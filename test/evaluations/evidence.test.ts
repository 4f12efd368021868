import { expect } from 'chai';
import { Instalment } from '../../models/Instalment.js';
import { evaluationAssigner } from '../../server/commands/evaluations/evaluationAssigner.js';
import { loginAs } from '../support/agent.js';
import { buildClaim, buildClaimSetup, type ClaimSetup } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation, by } from '../factories/evaluations.js';
import { buildUser } from '../factories/index.js';
import { buildPayment, type PaymentContract } from '../factories/payments.js';

/** A claim contract with a submitted claim and a requested payment: what an evaluation page links to. */
async function evidenceOf(s: ClaimSetup) {
  const instalments = await Instalment.findAll({ where: { contractId: s.contract.id }, order: [['seq', 'ASC']] });
  const built: PaymentContract = { contract: s.contract, instalments, officer: s.officer, organisation: s.organisation };
  const claim = await buildClaim(s, { status: 'submitted' });
  const payment = await buildPayment(built, instalments[0]!);
  return { built, urls: [`/contracts/${s.contract.id}`, `/claims/${claim.id}`, `/payments/${payment.id}`] };
}

describe('evaluations: the evaluator reads the evidence', () => {
  it('opens the contract, claims, payments and deliverables of an evaluation assigned to them, and nothing else (#12 defect 6)', async () => {
    const evaluator = (await buildUser('evaluator')).user;
    const mine = await evidenceOf(await buildClaimSetup());
    const { evaluation } = await buildEvaluation({ built: mine.built, evaluator });
    const withDeliverables = await buildDeliverableContract();
    const deliverableBuilt = {
      contract: withDeliverables.contract,
      instalments: [],
      officer: withDeliverables.officer,
      organisation: withDeliverables.organisation,
    };
    await buildEvaluation({ built: deliverableBuilt, evaluator, kind: 'interim' });
    const deliverableUrl = `/deliverables/${withDeliverables.deliverables[0]!.id}`;
    const others = await evidenceOf(await buildClaimSetup());
    const otherDeliverables = await buildDeliverableContract();

    const agent = await loginAs(evaluator, 'correct horse battery staple');
    for (const url of [...mine.urls, deliverableUrl]) expect((await agent.get(url)).status, url).to.equal(200);
    for (const url of [...others.urls, `/deliverables/${otherDeliverables.deliverables[0]!.id}`]) expect((await agent.get(url)).status, url).to.equal(404);
    // lists stay closed: the evaluator reads records, not the registers
    for (const url of ['/contracts', '/claims', '/payments', '/deliverables']) expect((await agent.get(url)).status, url).to.equal(403);

    // another evaluator, or this one once the evaluation is given to someone else: nothing
    const other = (await buildUser('evaluator')).user;
    const otherAgent = await loginAs(other, 'correct horse battery staple');
    for (const url of mine.urls) expect((await otherAgent.get(url)).status, url).to.equal(404);
    await evaluationAssigner(evaluation.id, other.id, by(mine.built.officer));
    for (const url of mine.urls) expect((await agent.get(url)).status, url).to.equal(404);
    for (const url of mine.urls) expect((await otherAgent.get(url)).status, url).to.equal(200);
  });
});
