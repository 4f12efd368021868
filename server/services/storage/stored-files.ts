import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { StoredFile } from '../../../models/index.js';
import { activeTransaction } from '../../db.js';
import type { UploadKindName } from './kinds.js';

/**
 * Uploaded files as records: what an upload stored (its descriptor), saving descriptors as
 * `StoredFile` rows inside a command's transaction, and finding earlier copies of a file. The
 * upload middleware (`middleware/upload.ts`) makes the descriptors and sweeps the unsaved ones.
 */

/** A file this request stored; the caller's command saves it as a `StoredFile` row. */
export type UploadDescriptor = {
  key: string;
  kind: UploadKindName;
  fieldName: string;
  /** The user's file name, cleaned (no path, no control or bidi characters, ≤ 255 characters). */
  originalName: string;
  /** The sniffed type's MIME, never the browser's claim. */
  mimeType: string;
  size: number;
  sha256: string;
};

/** Descriptors whose rows were committed: the end-of-response sweep leaves their bytes alone. */
const saved = new WeakSet<UploadDescriptor>();

/** Whether a descriptor's row was committed (its bytes are kept). */
export function wasSaved(descriptor: UploadDescriptor): boolean {
  return saved.has(descriptor);
}

/** The record a file belongs to (`{ type: 'claim', id: 12 }`). */
export type FileOwner = { type: string; id: number };

export type StoredFileContext = {
  kind: UploadKindName;
  uploadedBy: number;
  owner?: FileOwner | null;
  districtId?: number | null;
  organisationId?: number | null;
};

/**
 * Saves the descriptors as `StoredFile` rows inside the caller's transaction. Once that
 * transaction commits, the files are kept; if it rolls back, the end-of-response sweep deletes
 * their bytes.
 */
export async function saveStoredFiles(
  descriptors: readonly UploadDescriptor[],
  context: StoredFileContext,
  transaction: Transaction | undefined = activeTransaction(),
): Promise<StoredFile[]> {
  const rows: StoredFile[] = [];
  for (const d of descriptors) {
    if (d.kind !== context.kind) throw new Error(`An upload of kind ${d.kind} cannot be saved as ${context.kind}`);
    rows.push(
      await StoredFile.create(
        {
          storageKey: d.key,
          kind: d.kind,
          originalName: d.originalName,
          mimeType: d.mimeType,
          size: d.size,
          sha256: d.sha256,
          uploadedBy: context.uploadedBy,
          ownerType: context.owner?.type ?? null,
          ownerId: context.owner?.id ?? null,
          districtId: context.districtId ?? null,
          organisationId: context.organisationId ?? null,
        },
        { transaction },
      ),
    );
  }
  const markSaved = () => {
    for (const d of descriptors) saved.add(d);
  };
  if (transaction) transaction.afterCommit(markSaved);
  else markSaved();
  return rows;
}

/** Where to look for an earlier copy: the same kind, within what the user may see. */
export type DuplicateScope = {
  kind: UploadKindName;
  owner?: FileOwner;
  organisationId?: number | null;
  districtId?: number | null;
};

/**
 * "The same file uploaded twice is recognised" (SECURITY.md): for each upload, the earliest
 * stored file with the same SHA-256 and kind within `scope`, so the form can say "this file was
 * already uploaded as …". The scope must be one the user may see (their organisation, the
 * record's owner), or the answer would tell them about other organisations' files.
 */
export async function findDuplicateFiles(
  descriptors: readonly UploadDescriptor[],
  scope: DuplicateScope,
  transaction: Transaction | undefined = activeTransaction(),
): Promise<{ upload: UploadDescriptor; existing: StoredFile }[]> {
  if (descriptors.length === 0) return [];
  const where: WhereOptions<StoredFile> = {
    sha256: [...new Set(descriptors.map((d) => d.sha256))],
    kind: scope.kind,
    storageKey: { [Op.notIn]: descriptors.map((d) => d.key) },
  };
  if (scope.owner) Object.assign(where, { ownerType: scope.owner.type, ownerId: scope.owner.id });
  if (scope.organisationId !== undefined) Object.assign(where, { organisationId: scope.organisationId });
  if (scope.districtId !== undefined) Object.assign(where, { districtId: scope.districtId });
  const rows = await StoredFile.findAll({ where, order: [['id', 'ASC']], transaction });
  const found: { upload: UploadDescriptor; existing: StoredFile }[] = [];
  for (const d of descriptors) {
    const existing = rows.find((r) => r.sha256 === d.sha256);
    if (existing) found.push({ upload: d, existing });
  }
  return found;
}
