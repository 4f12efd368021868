import { CONTRACT_TRANSITIONS, type Contract, type ContractDocument, DOCUMENT_COLUMN } from '../../../models/Contract.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';

/**
 * Attaches a PDF (upload kind `contract_document`) to a draft as its announcement notice or its
 * signed contract, replacing an earlier one (the earlier stored file stays, audited). One file,
 * else 422 beside the field; only while a draft (409): an active contract changes by amendment.
 */
export async function contractDocumentAttacher(id: number, which: ContractDocument, uploads: readonly UploadDescriptor[], by: By): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'edit');
    if (uploads.length !== 1) throw new ValidationError({ file: 'contracts.validation.fileRequired' });
    const [file] = await saveStoredFiles(
      uploads,
      {
        kind: 'contract_document',
        uploadedBy: by.actor.id,
        owner: { type: 'contract', id: contract.id },
        districtId: contract.districtId,
        organisationId: contract.organisationId,
      },
      transaction,
    );
    const column = DOCUMENT_COLUMN[which];
    const before = contract[column] ?? null;
    await contract.update({ [column]: file.id }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.attach_document',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { which, storedFileId: file.id, replaced: before, sha256: file.sha256 },
      context: by.context,
    });
    return contract;
  });
}
