import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { DELIVERABLE_TRANSITIONS, Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile, type DeliverableFilePurpose } from '../../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../../models/DeliverableVersion.js';
import { rowLock } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { DELIVERABLE_RESOURCE } from '../../policies/deliverable.js';
import { type Actor, can } from '../../policies/index.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import { checkTransition } from '../kernel.js';

/** The contract of a deliverable, read before the transaction opens (404 when there is none). */
export async function contractIdOfDeliverable(id: number): Promise<number> {
  const row = await Deliverable.findByPk(id, { attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/**
 * A deliverable re-read under lock, which the policy lets `actor` do `action` on (`hand_in`: the
 * organisation's own; `review`: an officer who keeps the contract); any other is a 404.
 */
export async function lockedDeliverable(id: number, transaction: Transaction, actor: Actor, action: 'hand_in' | 'review'): Promise<Deliverable> {
  const d = await Deliverable.findByPk(id, { transaction, lock: rowLock() });
  if (!d || !can(actor, action, DELIVERABLE_RESOURCE, d)) throw new NotFoundError();
  return d;
}

/** Deliverables are handed in and reviewed only while their contract is active (409). */
export async function checkContractActive(d: Deliverable, transaction: Transaction, contract?: Contract): Promise<Contract> {
  const c = contract ?? (await Contract.findByPk(d.contractId, { transaction }));
  if (!c) throw new NotFoundError();
  if (c.status !== 'active') throw new ConflictError('deliverables.errors.contractNotActive', { status: c.status });
  return c;
}

/** The latest version of a deliverable (null when nothing was saved yet). */
export async function currentVersionOf(d: Deliverable, transaction?: Transaction): Promise<DeliverableVersion | null> {
  if (d.currentVersion === 0) return null;
  return DeliverableVersion.findOne({ where: { deliverableId: d.id, version: d.currentVersion }, transaction });
}

/**
 * The version a save writes into: the current draft version, or a new one when nothing was saved
 * yet or the last was returned (it starts as a copy of the returned one: metrics, narrative,
 * files). The deliverable is moved back to `draft`.
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
