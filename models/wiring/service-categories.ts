import type { Sequelize } from 'sequelize';
import { ServiceCategoryDefinition, ServiceCategoryMetric, ServiceCategoryRule, ServiceCategoryVersion } from '../ServiceCategoryVersion.js';

/** Initialises the yearly versions of the service categories, their metrics and rules (#21). */
export function initServiceCategories(sequelize: Sequelize): void {
  for (const m of [ServiceCategoryVersion, ServiceCategoryDefinition, ServiceCategoryMetric, ServiceCategoryRule]) m.initModel(sequelize);
  ServiceCategoryVersion.hasMany(ServiceCategoryDefinition, { as: 'definitions', foreignKey: 'versionId' });
  ServiceCategoryDefinition.belongsTo(ServiceCategoryVersion, { as: 'version', foreignKey: 'versionId' });
  ServiceCategoryDefinition.hasMany(ServiceCategoryMetric, { as: 'metrics', foreignKey: 'definitionId' });
  ServiceCategoryDefinition.hasMany(ServiceCategoryRule, { as: 'rules', foreignKey: 'definitionId' });
  ServiceCategoryMetric.belongsTo(ServiceCategoryDefinition, { as: 'definition', foreignKey: 'definitionId' });
  ServiceCategoryRule.belongsTo(ServiceCategoryDefinition, { as: 'definition', foreignKey: 'definitionId' });
}
