import type { Transaction } from 'sequelize';
import { DELIVERABLE_TRANSITIONS, type Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile, type DeliverableFilePurpose } from '../../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../../models/DeliverableVersion.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import type { Actor } from '../../policies/index.js';
import { checkTransition } from '../kernel.js';

/**
 * The versions of a deliverable: the latest one, the draft a save writes into (a returned
 * deliverable's next version starts as a copy of it), and the uploads attached to a version.
 */

/** The latest version of a deliverable (null when nothing was saved yet). */
export async function currentVersionOf(d: Deliverable, transaction?: Transaction): Promise<DeliverableVersion | null> {
  if (d.currentVersion === 0) return null;
  return DeliverableVersion.findOne({ where: { deliverableId: d.id, version: d.currentVersion }, transaction });
}

/**
 * The version a save writes into: the current draft version, or a new one when nothing was saved
 * yet or the last was returned (it starts as a copy of the returned one: metrics, narrative,
 * named training session, files). The deliverable is moved back to `draft`.
 */
export async function openDraftVersion(d: Deliverable, actor: Actor, transaction: Transaction): Promise<{ version: DeliverableVersion; created: boolean }> {
  checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, 'save');
  const current = await currentVersionOf(d, transaction);
  if (current && current.status === 'draft') return { version: current, created: false };
  const version = await DeliverableVersion.create(
    {
      deliverableId: d.id,
      version: d.currentVersion + 1,
      status: 'draft',
      metrics: current?.metrics ?? {},
      metricsSource: current?.metricsSource ?? 'form',
      narrative: current?.narrative ?? null,
      trainingSessionId: current?.trainingSessionId ?? null,
      createdBy: actor.id,
    },
    { transaction },
  );
  if (current) {
    const files = await DeliverableFile.findAll({ where: { versionId: current.id }, order: [['id', 'ASC']], transaction });
    if (files.length) {
      await DeliverableFile.bulkCreate(
        files.map((f) => ({ deliverableId: d.id, versionId: version.id, storedFileId: f.storedFileId, purpose: f.purpose })),
        { transaction },
      );
    }
  }
  await d.update({ currentVersion: version.version, status: 'draft' }, { transaction });
  return { version, created: true };
}

/** Saves uploads as stored files owned by the deliverable and attaches them to `version` with `purpose`. */
export async function attachUploads(
  d: Deliverable,
  version: DeliverableVersion,
  uploads: readonly UploadDescriptor[],
  purpose: DeliverableFilePurpose,
  actor: Actor,
  transaction: Transaction,
): Promise<number[]> {
  if (uploads.length === 0) return [];
  const kind = uploads[0].kind;
  const files = await saveStoredFiles(
    uploads,
    { kind, uploadedBy: actor.id, owner: { type: 'deliverable', id: d.id }, districtId: d.districtId, organisationId: d.organisationId },
    transaction,
  );
  await DeliverableFile.bulkCreate(
    files.map((f) => ({ deliverableId: d.id, versionId: version.id, storedFileId: f.id, purpose })),
    { transaction },
  );
  return files.map((f) => f.id);
}
