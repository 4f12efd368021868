import { DELIVERABLE_TRANSITIONS, Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile } from '../../../models/DeliverableFile.js';
import type { PersonalDataFinding } from '../../../models/DeliverableVersion.js';
import { StoredFile } from '../../../models/StoredFile.js';
import { beijingDay, now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, HttpError, NotFoundError, ValidationError } from '../../errors.js';
import { DELIVERABLE_RESOURCE } from '../../policies/deliverable.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { categorySetOfContract } from '../../services/service-categories.js';
import { lateDays } from '../../services/deliverable-progress.js';
import { scanVersion } from '../../services/personal-data-scan.js';
import type { BlobStore } from '../../services/storage/index.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { checkContractActive, lockedDeliverable } from './deliverableLocks.js';
import { currentVersionOf } from './deliverableVersions.js';

/** Submission refused (422) until the personal numbers found are removed or confirmed not about a child. */
export class PersonalNumbersFoundError extends HttpError {
  constructor(readonly findings: PersonalDataFinding[]) {
    super(422, 'deliverables.errors.personalNumbers', { count: findings.length });
  }
}

/** The files of a version, in the order they were attached. */
async function filesOf(versionId: number): Promise<StoredFile[]> {
  const links = await DeliverableFile.findAll({ where: { versionId }, include: [{ model: StoredFile, as: 'storedFile' }], order: [['id', 'ASC']] });
  return links.map((l) => l.storedFile!).filter(Boolean);
}

const fingerprint = (updatedAt: Date, fileIds: number[]) => `${updatedAt.getTime()}|${fileIds.join(',')}`;

/**
 * The organisation hands in its draft (`draft → submitted`). Before anything changes, the
 * narrative and the CSV/XLSX attachments are searched for ID-card and mobile numbers: with
 * findings, submission is refused (422 with each finding's place, masked) unless the user has
 * confirmed that the content is not about a child; that confirmation is recorded with the version
 * and audited. Then, in one transaction: the deliverable re-read under lock (own organisation's,
 * else 404), the transition checked (409), every metric present and consistent (422), and the
 * version frozen as handed in. Should the draft change between the check and the transaction, 409.
 */
export async function deliverableSubmitter(id: number, options: { confirmNoChildData: boolean }, store: BlobStore, by: By): Promise<Deliverable> {
  const seen = await Deliverable.findByPk(id);
  if (!seen || !can(by.actor, 'hand_in', DELIVERABLE_RESOURCE, seen)) throw new NotFoundError();
  checkTransition('deliverables', DELIVERABLE_TRANSITIONS, seen, 'submit');
  const draft = await currentVersionOf(seen);
  if (!draft) throw new ValidationError({ _form: 'deliverables.validation.nothingSaved' });
  const files = await filesOf(draft.id);
  const findings = await scanVersion(draft.narrative, files, store);
  if (findings.length && !options.confirmNoChildData) throw new PersonalNumbersFoundError(findings);
  const checked = fingerprint(
    draft.updatedAt,
    files.map((f) => f.id),
  );

  return withTransaction(async (transaction) => {
    const d = await lockedDeliverable(id, transaction, by.actor, 'hand_in');
    const contract = await checkContractActive(d, transaction);
    checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, 'submit');
    const version = await currentVersionOf(d, transaction);
    const fileIds = (
      await DeliverableFile.findAll({ where: { versionId: version?.id ?? 0 }, attributes: ['storedFileId'], order: [['id', 'ASC']], transaction })
    ).map((f) => f.storedFileId);
    if (version?.status !== 'draft' || fingerprint(version.updatedAt, fileIds) !== checked) throw new ConflictError('deliverables.errors.changedMeanwhile');
    const set = await categorySetOfContract(contract, transaction);
    if (!set.isDeliverableCategory(d.categoryCode)) throw new ConflictError('deliverables.errors.unknownCategory');
    const errors = set.metricErrors(d.categoryCode, version.metrics, true);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const at = now();
    const confirmed = findings.length > 0;
    await version.update(
      { status: 'submitted', submittedBy: by.actor.id, submittedAt: at, personalDataConfirmed: confirmed, personalDataFindings: findings },
      { transaction },
    );
    const firstSubmittedAt = d.firstSubmittedAt ?? at;
    const late = lateDays({ dueOn: d.dueOn, firstSubmittedAt }, beijingDay(at));
    await d.update(
      { status: 'submitted', submittedAt: at, firstSubmittedAt, submittedLateDays: late, submissionCount: d.submissionCount + 1 },
      { transaction },
    );
    if (confirmed) {
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'deliverable.confirm_no_child_data',
        recordType: 'deliverable',
        recordId: d.id,
        districtId: d.districtId,
        detail: {
          version: version.version,
          findings: findings.length,
          places: findings.slice(0, 20).map((f) => ({ where: f.where, fileId: f.fileId, row: f.row, column: f.column, kind: f.kind, masked: f.masked })),
        },
        context: by.context,
      });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.submit',
      recordType: 'deliverable',
      recordId: d.id,
      districtId: d.districtId,
      detail: { version: version.version, lateDays: late, status: { from: 'draft', to: 'submitted' } },
      context: by.context,
    });
    return d;
  });
}
