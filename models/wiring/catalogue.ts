import type { Sequelize } from 'sequelize';
import { CatalogueItem } from '../CatalogueItem.js';
import { District } from '../District.js';
import { ServiceCategory } from '../ServiceCategory.js';
import { User } from '../User.js';

/** Initialises the catalogue's model and wires it to its district, category and creator. */
export function initCatalogue(sequelize: Sequelize): void {
  CatalogueItem.initModel(sequelize);
  CatalogueItem.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  CatalogueItem.belongsTo(ServiceCategory, { as: 'category', foreignKey: 'categoryCode', targetKey: 'code' });
  CatalogueItem.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
}
