import { Op } from 'sequelize';
import type { Deliverable } from '../../../models/Deliverable.js';
import { DELIVERABLE_FILE_PURPOSES, DeliverableFile, type DeliverableFilePurpose } from '../../../models/DeliverableFile.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { UploadDescriptor } from '../../services/storage/stored-files.js';
import { recordAudit } from '../../services/audit.js';
import type { MetricValues } from '../../services/deliverable-metrics.js';
import { categorySetOfContract } from '../../services/service-categories.js';
import { isNameableSession } from '../../services/training-deliverable.js';
import type { Versioned } from '../../schemas/common.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';
import { checkContractActive, lockedDeliverable } from './deliverableLocks.js';
import { attachUploads, openDraftVersion } from './deliverableVersions.js';

/**
 * The parsed hand-in form: metrics (blank ones left out), narrative, new files with what they are,
 * and the stored files to take off (by stored-file id: a correction's new version holds copies of
 * the returned version's links, so the link ids the form showed are not the new version's).
 */
export type DraftForm = {
  metrics: MetricValues;
  narrative: string | null;
  purpose: DeliverableFilePurpose;
  removeFileIds: number[];
  /** The training session named (a training deliverable only; null: none). */
  trainingSessionId?: number | null;
};

/**
 * The uploads grouped by what they are: a file sent in `files_<purpose>` (the form's input per
 * purpose: photos, sign-in sheets … in one save) is that; one sent in `files` is the form's `purpose`.
 */
function byPurpose(uploads: readonly UploadDescriptor[], fallback: DeliverableFilePurpose): Map<DeliverableFilePurpose, UploadDescriptor[]> {
  const groups = new Map<DeliverableFilePurpose, UploadDescriptor[]>();
  for (const u of uploads) {
    const named = u.fieldName.startsWith(UPLOAD_FIELD_PREFIX) ? u.fieldName.slice(UPLOAD_FIELD_PREFIX.length) : '';
    const purpose = (DELIVERABLE_FILE_PURPOSES as readonly string[]).includes(named) ? (named as DeliverableFilePurpose) : fallback;
    groups.set(purpose, [...(groups.get(purpose) ?? []), u]);
  }
  return groups;
}

/** The hand-in form's file inputs: `files` (with the `purpose` chosen) and one `files_<purpose>` per purpose. */
const UPLOAD_FIELD_PREFIX = 'files_';
export const DELIVERABLE_UPLOAD_FIELDS = ['files', ...DELIVERABLE_FILE_PURPOSES.map((p) => `${UPLOAD_FIELD_PREFIX}${p}`)];

/** The most a narrative may hold (characters). */
export const NARRATIVE_MAX = 20_000;

/**
 * The organisation saves its deliverable as a draft, to finish later: the metrics typed so far
 * (each checked: no negative or fractional count, answered ≤ received and the like: 422 beside
 * the field), the narrative, new attachments (stored through the storage service: photos without
 * their EXIF) and files taken off this version. A returned deliverable starts its next version
 * here. Another organisation's deliverable is 404; a submitted or accepted one 409; only while the
 * contract is active (409); a form opened before another save of the draft is refused as stale
 * (409, kernel `checkVersion`) before anything is written, so its new files are stored nowhere
 * (the upload middleware removes what no committed row holds). A training deliverable may name a
 * training session of its district held in its period (services/training-deliverable.ts); another
 * (another district's, posted by hand) is refused beside the field (422).
 */
export async function deliverableDraftSaver(id: number, form: Versioned<DraftForm>, uploads: readonly UploadDescriptor[], by: By): Promise<Deliverable> {
  return withTransaction(async (transaction) => {
    const d = await lockedDeliverable(id, transaction, by.actor, 'hand_in');
    const bump = checkVersion(d, form._version);
    const set = await categorySetOfContract(await checkContractActive(d, transaction), transaction);
    if (!set.isDeliverableCategory(d.categoryCode)) throw new ConflictError('deliverables.errors.unknownCategory');
    const { version, created } = await openDraftVersion(d, by.actor, transaction);
    const errors = set.metricErrors(d.categoryCode, form.metrics, false);
    if (form.narrative && form.narrative.length > NARRATIVE_MAX) errors.narrative = 'validation.tooLong';
    const trainingSessionId = set.isTraining(d.categoryCode) ? (form.trainingSessionId ?? null) : null;
    if (trainingSessionId && !(await isNameableSession(d, trainingSessionId, transaction)))
      errors.trainingSessionId = 'deliverables.validation.trainingSession';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const removed = form.removeFileIds.length
      ? await DeliverableFile.destroy({ where: { versionId: version.id, storedFileId: { [Op.in]: form.removeFileIds } }, transaction })
      : 0;
    const added: number[] = [];
    for (const [purpose, files] of byPurpose(uploads, form.purpose)) added.push(...(await attachUploads(d, version, files, purpose, by.actor, transaction)));
    await version.update({ metrics: form.metrics, metricsSource: 'form', narrative: form.narrative, trainingSessionId }, { transaction });
    await d.update(bump, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.save',
      recordType: 'deliverable',
      recordId: d.id,
      districtId: d.districtId,
      detail: { version: version.version, newVersion: created, filesAdded: added, filesRemoved: removed, status: d.status, trainingSessionId },
      context: by.context,
    });
    return d;
  });
}
