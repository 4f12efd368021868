import { expect } from 'chai';
import { ContractTarget } from '../../models/ContractTarget.js';
import type { Deliverable } from '../../models/Deliverable.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { Engagement } from '../../models/Engagement.js';
import { childDirectorShare, firstAcceptance, targetCompletion, timeliness } from '../../server/services/evaluation-indicators.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEngagedDirector, buildWorker } from '../factories/workers.js';

/** Puts a deliverable in a known state, with its accepted version's metrics when accepted. */
async function settle(d: Deliverable, state: { status: Deliverable['status']; submissions: number; firstSubmitted: string; visits?: number }, by: number) {
  await d.update({
    status: state.status,
    submissionCount: state.submissions,
    firstSubmittedAt: new Date(`${state.firstSubmitted}T10:00:00+08:00`),
    currentVersion: state.submissions,
  });
  if (state.visits !== undefined) {
    await DeliverableVersion.create({
      deliverableId: d.id,
      version: state.submissions,
      status: 'accepted',
      metrics: { visits: state.visits, households: 10, followUps: 5 },
      createdBy: by,
    });
  }
}

describe('evaluations: indicators computed from deliverables', () => {
  it('scores target completion, timeliness and acceptance at first submission from known deliverables, with the records they came from', async () => {
    // 2026, quarterly, due ten days after each quarter; target 600 home visits.
    const built = await buildDeliverableContract();
    const [q1, q2, q3, q4] = built.deliverables;
    expect([q1.dueOn, q2.dueOn, q3.dueOn, q4.dueOn]).to.deep.equal(['2026-04-10', '2026-07-10', '2026-10-10', '2027-01-10']);
    await settle(q1, { status: 'accepted', submissions: 1, firstSubmitted: '2026-04-05', visits: 150 }, built.orgUser.id); // on time, first time
    await settle(q2, { status: 'accepted', submissions: 2, firstSubmitted: '2026-07-15', visits: 120 }, built.orgUser.id); // late, second time
    await settle(q3, { status: 'returned', submissions: 1, firstSubmitted: '2026-10-10' }, built.orgUser.id); // on time (the due day), returned
    const year = { start: '2026-01-01', end: '2026-12-31' };

    const completion = await targetCompletion(built.contract, year);
    if (!completion.available) throw new Error('target completion must be available');
    // 270 accepted of 600 over the whole term: 45.00
    expect(completion.scoreHundredths).to.equal(4500);
    expect(completion.sources.map((s) => s.id)).to.deep.equal([q1.id, q2.id]);

    // An interim to 30 June is held to the part of the target due by then: 600 × 181/365 days.
    const half = await targetCompletion(built.contract, { start: '2026-01-01', end: '2026-06-30' });
    expect(half).to.deep.include({ available: true, scoreHundredths: Math.floor((270 * 10000 * 365) / (600 * 181)) });

    const onTime = await timeliness(built.contract, year);
    if (!onTime.available) throw new Error('timeliness must be available');
    // due in the period: Q1 (on time), Q2 (late), Q3 (on its due day); Q4 is due in 2027
    expect([onTime.part, onTime.whole, onTime.scoreHundredths]).to.deep.equal([2, 3, 6666]);
    expect(onTime.sources.map((s) => [s.id, s.counts])).to.deep.equal([
      [q1.id, true],
      [q2.id, false],
      [q3.id, true],
    ]);

    const first = await firstAcceptance(built.contract, year);
    if (!first.available) throw new Error('first acceptance must be available');
    // decided: Q1 accepted first time, Q2 accepted at the second, Q3 returned
    expect([first.part, first.whole, first.scoreHundredths]).to.deep.equal([1, 3, 3333]);
  });

  it('is not available, rather than scoring, when there is nothing to compute from', async () => {
    const built = await buildDeliverableContract();
    const early = { start: '2026-01-01', end: '2026-03-31' };
    expect(await timeliness(built.contract, early)).to.deep.equal({ available: false, reasonKey: 'evaluations.indicators.noneDue' });
    expect(await firstAcceptance(built.contract, early)).to.deep.equal({ available: false, reasonKey: 'evaluations.indicators.noneDecided' });
    // without targets there is nothing to complete
    await ContractTarget.destroy({ where: { contractId: built.contract.id } });
    expect(await targetCompletion(built.contract, early)).to.deep.equal({ available: false, reasonKey: 'evaluations.indicators.noTargets' });
  });

  it('computes the share of engaged child directors from the engagements of the period, with the engagements it came from (#21)', async () => {
    const built = await buildDeliverableContract();
    const year = { start: '2026-01-01', end: '2026-12-31' };
    expect(await childDirectorShare(built.contract, year)).to.deep.equal({ available: false, reasonKey: 'evaluations.indicators.noEngagements' });
    const d1 = await buildEngagedDirector(built.contract, { orgUser: built.orgUser });
    const d2 = await buildEngagedDirector(built.contract, { orgUser: built.orgUser });
    const { worker: supervisor } = await buildWorker({ districtId: built.contract.districtId, kind: 'supervisor' });
    const engage = (childWorkerId: number, startsOn: string, endsOn: string) =>
      Engagement.create({
        contractId: built.contract.id,
        organisationId: built.contract.organisationId,
        districtId: built.contract.districtId,
        childWorkerId,
        startsOn,
        endsOn,
        createdBy: built.orgUser.id,
      });
    const sup = await engage(supervisor.id, '2026-03-01', '2026-12-31');
    // A supervisor engaged only in 2025 is outside the period and not counted.
    await engage(supervisor.id, '2025-03-01', '2025-12-31');
    const share = await childDirectorShare(built.contract, year);
    if (!share.available) throw new Error('the share must be available');
    // 2 directors of 3 engagements: 66.66
    expect([share.part, share.whole, share.scoreHundredths]).to.deep.equal([2, 3, 6666]);
    expect(share.sources.map((x) => [x.kind, x.id, x.state, x.counts])).to.deep.equal([
      ['engagement', d1.engagement.id, 'director', true],
      ['engagement', d2.engagement.id, 'director', true],
      ['engagement', sup.id, 'supervisor', false],
    ]);
  });
});
