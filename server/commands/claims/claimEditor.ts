import type { Transaction } from 'sequelize';
import { CLAIM_TRANSITIONS, Claim, ClaimedFapiao, ClaimLine } from '../../../models/Claim.js';
import { Engagement } from '../../../models/Engagement.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import { can } from '../../policies/index.js';
import { CLAIM_RESOURCE } from '../../policies/claim.js';
import type { ClaimLineForm, NewClaimForm } from '../../schemas/claims.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { fapiaoKey } from '../../services/identifiers.js';
import type { Versioned } from '../../schemas/common.js';
import { auditActorOf, type By, checkTransition, checkVersion, lockedContract } from '../kernel.js';
import { holdFapiao } from './claimFapiao.js';
import { retotal } from './claimTotal.js';
import { lineErrors, monthBounds } from './claimLineRules.js';
import { contractIdOfClaim, lockedClaim } from './claimLocks.js';

/** The organisation user's own claim, under the contract's lock (another organisation's: 404). */
async function ownClaim(claimId: number, by: By) {
  const contractId = await contractIdOfClaim(claimId, by.actor);
  return async (transaction: Transaction) => {
    const contract = await lockedContract(contractId, transaction);
    const claim = await lockedClaim(claimId, contract, transaction);
    if (!can(by.actor, 'edit', CLAIM_RESOURCE, claim)) throw new NotFoundError();
    return { contract, claim };
  };
}

/**
 * An organisation user opens a draft claim for a worker it engages on its active contract and a
 * month the engagement reaches into (422 on the month otherwise). The lines are added next.
 */
export async function claimCreator(form: NewClaimForm, by: By): Promise<Claim> {
  // From the claims page the engagement names the contract; the lock below checks it is the actor's.
  const contractId = form.contractId ?? (await Engagement.findByPk(form.engagementId, { attributes: ['contractId'] }))?.contractId;
  if (!contractId) throw new ValidationError({ engagementId: 'claims.validation.engagementUnknown' });
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'create', CLAIM_RESOURCE, c));
    if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
    const engagement = await Engagement.findByPk(form.engagementId, { transaction });
    if (!engagement || engagement.contractId !== contract.id) throw new ValidationError({ engagementId: 'claims.validation.engagementUnknown' });
    const { first, last } = monthBounds(form.month);
    if (engagement.startsOn > last || engagement.endsOn < first) throw new ValidationError({ month: 'claims.validation.notEngagedInMonth' });
    const claim = await Claim.create(
      {
        contractId: contract.id,
        organisationId: contract.organisationId,
        districtId: contract.districtId,
        childWorkerId: engagement.childWorkerId,
        engagementId: engagement.id,
        month: form.month,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'claim.create',
      recordType: 'claim',
      recordId: claim.id,
      districtId: claim.districtId,
      detail: { contractId: contract.id, childWorkerId: claim.childWorkerId, month: claim.month, status: { from: null, to: 'draft' } },
      context: by.context,
    });
    return claim;
  });
}

/**
 * Adds a line with its receipt (upload kind `receipt`, exactly one file) to a draft or returned
 * claim (409 otherwise), checking the line's day, the cap of its kind and its 发票 (422 beside the
 * field, see `lineErrors` and `holdFapiao`); the claim's total follows. A line typed on a page of
 * the claim opened before another change of its lines is refused as stale (409, kernel
 * `checkVersion`) before anything is written, its receipt kept nowhere.
 */
export async function claimLineAdder(claimId: number, form: Versioned<ClaimLineForm>, uploads: readonly UploadDescriptor[], by: By): Promise<ClaimLine> {
  const locked = await ownClaim(claimId, by);
  const confirmed = checkFreeText({ description: form.description }, form.confirmPersonalData);
  return withTransaction(async (transaction) => {
    const { claim } = await locked(transaction);
    const bump = checkVersion(claim, form._version);
    checkTransition('claims', CLAIM_TRANSITIONS, claim, 'edit');
    if (uploads.length !== 1) throw new ValidationError({ receipt: 'claims.validation.oneReceipt' });
    const existing = await ClaimLine.findAll({ where: { claimId: claim.id }, transaction });
    const all = [...existing, { spentOn: form.spentOn, kind: form.kind, amountFen: form.amountFen }];
    const errors = await lineErrors(claim, all, (i, field) => (i === existing.length ? field : `line_${existing[i].id}`), transaction);
    const own = Object.fromEntries(Object.entries(errors).filter(([k]) => !k.startsWith('line_')));
    if (Object.keys(own).length) throw new ValidationError(own);
    const [file] = await saveStoredFiles(
      uploads,
      { kind: 'receipt', uploadedBy: by.actor.id, owner: { type: 'claim', id: claim.id }, districtId: claim.districtId, organisationId: claim.organisationId },
      transaction,
    );
    const line = await ClaimLine.create(
      {
        claimId: claim.id,
        spentOn: form.spentOn,
        kind: form.kind,
        description: form.description,
        amountFen: form.amountFen,
        fapiaoCode: form.fapiao.code,
        fapiaoNumber: form.fapiao.number,
        fapiaoKey: fapiaoKey(form.fapiao.code, form.fapiao.number),
        fapiaoDigitalNumber: form.digitalNumber,
        receiptFileId: file.id,
      },
      { transaction },
    );
    await holdFapiao(line, claim.id, transaction);
    await retotal(claim, transaction);
    await claim.update(bump, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'claim.add_line',
      recordType: 'claim',
      recordId: claim.id,
      districtId: claim.districtId,
      detail: {
        lineId: line.id,
        spentOn: line.spentOn,
        kind: line.kind,
        amountFen: line.amountFen,
        fapiao: line.fapiaoKeys,
        storedFileId: file.id,
        sha256: file.sha256,
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return line;
  });
}

/**
 * Removes a line of a draft or returned claim (409 otherwise); its 发票 is free again, its receipt
 * stays stored. From a page opened before another change of the claim's lines: refused as stale (409).
 */
export async function claimLineRemover(claimId: number, lineId: number, by: By, form: Versioned<object> = {}): Promise<Claim> {
  const locked = await ownClaim(claimId, by);
  return withTransaction(async (transaction) => {
    const { claim } = await locked(transaction);
    const bump = checkVersion(claim, form._version);
    checkTransition('claims', CLAIM_TRANSITIONS, claim, 'edit');
    const line = await ClaimLine.findOne({ where: { id: lineId, claimId: claim.id }, transaction });
    if (!line) throw new NotFoundError();
    await ClaimedFapiao.destroy({ where: { claimLineId: line.id }, transaction });
    await line.destroy({ transaction });
    await retotal(claim, transaction);
    await claim.update(bump, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'claim.remove_line',
      recordType: 'claim',
      recordId: claim.id,
      districtId: claim.districtId,
      detail: { lineId: line.id, amountFen: line.amountFen, fapiao: line.fapiaoKeys },
      context: by.context,
    });
    return claim;
  });
}
