import { Agency } from '../../../models/index.js';
import { Inspection, InspectionFinding } from '../../../models/Inspection.js';
import { today } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { INSPECTION_RESOURCE } from '../../policies/inspection.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By } from '../kernel.js';

export type InspectionInput = { districtId: number; agencyId?: number; title: string; findings: string[]; confirmPersonalData?: boolean };

/**
 * Opens an inspection (督查, #17) of a district, or of one of its purchasing agencies, with its
 * findings numbered in the order given: by an inspector whose scope holds the district (403
 * otherwise); an agency of another district is refused beside the field. Audited with the findings.
 */
export async function inspectionOpener(input: InspectionInput, by: By): Promise<Inspection> {
  authorize(by.actor, 'open', INSPECTION_RESOURCE, { districtId: input.districtId });
  const confirmed = checkFreeText({ title: input.title, findings: input.findings.join('\n') }, input.confirmPersonalData ?? false);
  return withTransaction(async (transaction) => {
    if (input.agencyId) {
      const agency = await Agency.findByPk(input.agencyId, { transaction });
      if (!agency || agency.districtId !== input.districtId) throw new ValidationError({ agencyId: 'overview.inspections.validation.agency' });
    }
    const inspection = await Inspection.create(
      { districtId: input.districtId, agencyId: input.agencyId ?? null, title: input.title, openedBy: by.actor.id, openedOn: today() },
      { transaction },
    );
    for (const [i, text] of input.findings.entries()) {
      await InspectionFinding.create({ inspectionId: inspection.id, districtId: input.districtId, seq: i + 1, text }, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'inspection.open',
      recordType: 'inspection',
      recordId: inspection.id,
      districtId: input.districtId,
      detail: { title: input.title, agencyId: input.agencyId ?? null, findings: input.findings, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
    return inspection;
  });
}
