import type { Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile } from '../../../models/DeliverableFile.js';
import { StoredFile } from '../../../models/StoredFile.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { UploadDescriptor } from '../../services/storage/stored-files.js';
import { recordAudit } from '../../services/audit.js';
import { hotlineValuesOf } from '../../services/deliverable-metrics.js';
import { categorySetOfContract } from '../../services/service-categories.js';
import type { HotlineMetrics } from '../../services/hotline.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';
import { checkContractActive, lockedDeliverable } from './deliverableLocks.js';
import { attachUploads, openDraftVersion } from './deliverableVersions.js';

/** A call log the import read: just uploaded (kind `call_log`), or already stored by an earlier step of the import. */
export type ImportedFile = { upload: UploadDescriptor } | { storedFileId: number };

/**
 * Sets a hotline deliverable's metrics from an import (the call-log import computes them from a
 * CSV/XLSX log) and attaches the log to the draft version as its `call_log` file, in one
 * transaction, with the same rules as a draft saved by hand (own organisation's, 404; a draft or
 * returned one, else 409; metrics checked, 422). The version records that its metrics were
 * imported; the user can still correct them in the form before submitting.
 */
export async function deliverableMetricsImporter(id: number, metrics: HotlineMetrics, file: ImportedFile, by: By): Promise<Deliverable> {
  return withTransaction(async (transaction) => {
    const d = await lockedDeliverable(id, transaction, by.actor, 'hand_in');
    const set = await categorySetOfContract(await checkContractActive(d, transaction), transaction);
    // The call-log import is the hotline's own (its definition's `special`), whatever its code.
    if (!set.isHotline(d.categoryCode)) throw new ConflictError('deliverables.errors.notHotline');
    const { version } = await openDraftVersion(d, by.actor, transaction);
    const values = hotlineValuesOf(metrics);
    const errors = set.metricErrors(d.categoryCode, values, false);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    let fileId: number;
    if ('upload' in file) {
      [fileId] = await attachUploads(d, version, [file.upload], 'call_log', by.actor, transaction);
    } else {
      const stored = await StoredFile.findByPk(file.storedFileId, { transaction });
      const mine =
        stored &&
        stored.kind === 'call_log' &&
        stored.organisationId === d.organisationId &&
        (stored.ownerId === null || (stored.ownerType === 'deliverable' && stored.ownerId === d.id));
      if (!stored || !mine) throw new ValidationError({ file: 'deliverables.validation.callLogFile' });
      if (stored.ownerId === null) await stored.update({ ownerType: 'deliverable', ownerId: d.id, districtId: d.districtId }, { transaction });
      await DeliverableFile.create({ deliverableId: d.id, versionId: version.id, storedFileId: stored.id, purpose: 'call_log' }, { transaction });
      fileId = stored.id;
    }
    await version.update({ metrics: values, metricsSource: 'import' }, { transaction });
    // The draft's figures changed: a hand-in form opened before the import is stale now.
    await d.update(checkVersion(d, undefined), { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.import_metrics',
      recordType: 'deliverable',
      recordId: d.id,
      districtId: d.districtId,
      detail: { version: version.version, storedFileId: fileId, metrics: values },
      context: by.context,
    });
    return d;
  });
}
