import { OrganisationDocument } from '../../../models/OrganisationDocument.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { findDuplicateFiles, saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import type { DocumentForm } from '../../schemas/organisations.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import type { By } from '../kernel.js';
import { lockedOrganisation } from './lockedOrganisation.js';

/**
 * Saves uploaded qualification documents of an organisation: one stored file and one document
 * row each, titled with the form's title or else the file's name, and the audit event, in one
 * transaction (if it fails, the upload middleware deletes the bytes at the end of the response).
 */
export async function organisationDocumentUploader(
  id: number,
  uploads: readonly UploadDescriptor[],
  form: DocumentForm,
  by: By,
): Promise<OrganisationDocument[]> {
  // Without a title of its own each document is titled by its file's name, which is checked too.
  const confirmed = checkFreeText({ title: form.title ?? uploads.map((u) => u.originalName).join(' ') }, form.confirmPersonalData);
  return withTransaction(async (transaction) => {
    const organisation = await lockedOrganisation(id, transaction);
    // The same file twice (a double submission, or one file picked twice) is recognised by its
    // SHA-256 among this organisation's documents and refused, so nothing is stored twice.
    const owner = { type: 'organisation', id: organisation.id } as const;
    const twiceInForm = new Set(uploads.map((u) => u.sha256)).size < uploads.length;
    if (twiceInForm || (await findDuplicateFiles(uploads, { kind: 'qualification_document', owner }, transaction)).length > 0) {
      throw new ValidationError({ files: 'organisations.validation.documentDuplicate' });
    }
    const files = await saveStoredFiles(
      uploads,
      {
        kind: 'qualification_document',
        uploadedBy: by.actor.id,
        owner,
        districtId: organisation.districtId,
        organisationId: organisation.id,
      },
      transaction,
    );
    const documents: OrganisationDocument[] = [];
    for (const file of files) {
      documents.push(
        await OrganisationDocument.create(
          {
            organisationId: organisation.id,
            storedFileId: file.id,
            docType: form.docType,
            title: form.title ?? file.originalName,
            uploadedBy: by.actor.id,
          },
          { transaction },
        ),
      );
    }
    await recordAudit({
      actor: by.actor,
      action: 'organisation.upload_document',
      recordType: 'organisation',
      recordId: organisation.id,
      districtId: organisation.districtId,
      detail: {
        name: organisation.name,
        docType: form.docType,
        files: files.map((f) => ({ storedFileId: f.id, name: f.originalName, size: f.size, sha256: f.sha256 })),
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return documents;
  });
}
