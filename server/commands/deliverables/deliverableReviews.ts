import type { Transaction } from 'sequelize';
import { DELIVERABLE_TRANSITIONS, type Deliverable } from '../../../models/Deliverable.js';
import { DeliverableComment } from '../../../models/DeliverableComment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { notify, organisationMembers } from '../../services/notifications.js';
import { categoryParamsOf } from '../../services/service-categories.js';
import { markMilestonesMet } from '../contracts/markMilestonesMet.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { checkContractActive, contractIdOfDeliverable, lockedDeliverable } from './deliverableLocks.js';
import { currentVersionOf } from './deliverableVersions.js';

/** Comments per point: `general`, `narrative`, `files` or a metric key → text (blank ones are left out). */
export type ReviewComments = Record<string, string>;

/**
 * The start of a review, inside its transaction: the contract locked first (its instalments may
 * move), the deliverable re-read under lock (404 outside the officer's district), the move
 * checked against the transition table and the contract active (409), and the version handed in.
 */
async function lockedForReview(contractId: number, id: number, transition: 'accept' | 'return', by: By, transaction: Transaction) {
  const contract = await lockedContract(contractId, transaction);
  const d = await lockedDeliverable(id, transaction, by.actor, 'review');
  checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, transition);
  await checkContractActive(d, transaction, contract);
  const version = await currentVersionOf(d, transaction);
  if (!version)
    throw new ConflictError(`deliverables.errors.cannot.${transition}`, { status: d.status, to: transition === 'accept' ? 'accepted' : 'returned' });
  return { contract, d, version };
}

/**
 * An officer of the contract's district accepts a handed-in deliverable (`submitted → accepted`)
 * in one transaction: the contract locked first (its instalments may move), the deliverable
 * re-read under lock (404 outside the district, 409 from any other state or on a contract that is
 * not active), the version and the deliverable marked accepted, optional comments kept, and then
 * the contract's progress against its targets decides which tied milestones are now met: those
 * instalments become `due`, so the officer may request them (#4). Audited.
 */
export async function deliverableAccepter(id: number, comments: ReviewComments, by: By): Promise<{ deliverable: Deliverable; milestonesMet: number[] }> {
  const contractId = await contractIdOfDeliverable(id);
  return withTransaction(async (transaction) => {
    const { contract, d, version } = await lockedForReview(contractId, id, 'accept', by, transaction);
    const at = now();
    await version.update({ status: 'accepted', reviewedBy: by.actor.id, reviewedAt: at }, { transaction });
    await d.update({ status: 'accepted', acceptedAt: at, acceptedBy: by.actor.id, acceptedVersion: version.version }, { transaction });
    const written = await writeComments(d, version.id, comments, by, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.accept',
      recordType: 'deliverable',
      recordId: d.id,
      districtId: d.districtId,
      detail: { version: version.version, comments: written, firstSubmission: d.submissionCount === 1, status: { from: 'submitted', to: 'accepted' } },
      context: by.context,
    });
    await tellOrganisation('deliverableAccepted', contract, d, by);
    const milestonesMet = await markMilestonesMet(contract, by, transaction);
    return { deliverable: d, milestonesMet };
  });
}

/**
 * An officer returns a handed-in deliverable for correction (`submitted → returned`) with at
 * least one comment (422 otherwise), each on its point; the organisation corrects it as the next
 * version. Same locking, scope and state rules as acceptance. Audited.
 */
export async function deliverableReturner(id: number, comments: ReviewComments, by: By): Promise<Deliverable> {
  const contractId = await contractIdOfDeliverable(id);
  return withTransaction(async (transaction) => {
    const { contract, d, version } = await lockedForReview(contractId, id, 'return', by, transaction);
    if (!Object.values(comments).some((c) => c.trim())) throw new ValidationError({ general: 'deliverables.validation.commentRequired' });
    await version.update({ status: 'returned', reviewedBy: by.actor.id, reviewedAt: now() }, { transaction });
    await d.update({ status: 'returned' }, { transaction });
    const written = await writeComments(d, version.id, comments, by, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.return',
      recordType: 'deliverable',
      recordId: d.id,
      districtId: d.districtId,
      detail: { version: version.version, comments: written, status: { from: 'submitted', to: 'returned' } },
      context: by.context,
    });
    await tellOrganisation('deliverableReturned', contract, d, by);
    return d;
  });
}

/** The organisation hears that its deliverable was accepted or returned (#16), in the review's transaction. */
async function tellOrganisation(
  kind: 'deliverableAccepted' | 'deliverableReturned',
  contract: { number: string; year: number; categoryYear: number | null },
  d: Deliverable,
  by: By,
): Promise<void> {
  await notify(
    await organisationMembers(d.organisationId),
    {
      kind,
      recordType: 'deliverable',
      recordId: d.id,
      href: `/deliverables/${d.id}`,
      params: { contract: contract.number, ...(await categoryParamsOf(contract, d.categoryCode)), period: `${d.periodStart} – ${d.periodEnd}` },
    },
    by.actor.id,
  );
}

async function writeComments(d: Deliverable, versionId: number, comments: ReviewComments, by: By, transaction: Transaction): Promise<string[]> {
  const rows = Object.entries(comments)
    .filter(([, body]) => body.trim())
    .map(([point, body]) => ({ deliverableId: d.id, versionId, point, body: body.trim(), authorId: by.actor.id }));
  if (rows.length) await DeliverableComment.bulkCreate(rows, { transaction });
  return rows.map((r) => r.point);
}
