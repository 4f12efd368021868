import { ServiceCategory } from '../../../models/ServiceCategory.js';
import { ServiceCategoryDefinition } from '../../../models/ServiceCategoryVersion.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedDraftVersion, nextCode } from './categoryVersionLocks.js';

export type ServiceCategoryInput = { name: string; nameEn: string; unit: string; unitEn: string };

/**
 * Adds a service category to a draft year's version (#21): its names and unit in both languages,
 * at the end of the list; its metrics are added next. A name the version already has is refused
 * beside its field; the code is made here (`service_<n>`, unused in any year), never typed.
 */
export async function serviceCategoryAdder(year: number, input: ServiceCategoryInput, by: By): Promise<ServiceCategoryDefinition> {
  return withTransaction(async (transaction) => {
    const version = await lockedDraftVersion(year, transaction);
    const mine = await ServiceCategoryDefinition.findAll({ where: { versionId: version.id }, transaction });
    if (mine.some((c) => c.name === input.name)) throw new ValidationError({ name: 'serviceCategories.errors.nameTaken' });
    if (mine.some((c) => c.nameEn.toLowerCase() === input.nameEn.toLowerCase())) throw new ValidationError({ nameEn: 'serviceCategories.errors.nameTaken' });
    const [anyYear, registry] = await Promise.all([
      ServiceCategoryDefinition.findAll({ attributes: ['code'], transaction }),
      ServiceCategory.findAll({ attributes: ['code'], transaction }),
    ]);
    const code = nextCode('service_', [...anyYear.map((c) => c.code), ...registry.map((c) => c.code)]);
    const category = await ServiceCategoryDefinition.create(
      {
        versionId: version.id,
        code,
        parentCode: null,
        ...input,
        special: null,
        sortOrder: mine.reduce((m, c) => Math.max(m, c.sortOrder), 0) + 10,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'reference.service_category_create',
      recordType: 'service_category_version',
      recordId: version.id,
      detail: { year, after: { code, ...input } },
      context: by.context,
    });
    return category;
  });
}
