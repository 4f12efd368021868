import type { Sequelize } from 'sequelize';
import { Agency } from '../Agency.js';
import { Award } from '../Award.js';
import { CatalogueItem } from '../CatalogueItem.js';
import { District } from '../District.js';
import { OcdsRelease } from '../OcdsRelease.js';
import { Organisation } from '../Organisation.js';
import { Project } from '../Project.js';
import { ProjectItem } from '../ProjectItem.js';
import { User } from '../User.js';

/** Initialises projects, their items and awards, and wires them to their parents. */
export function initProjects(sequelize: Sequelize): void {
  Project.initModel(sequelize);
  ProjectItem.initModel(sequelize);
  Award.initModel(sequelize);
  OcdsRelease.initModel(sequelize);
  Project.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Project.belongsTo(Agency, { as: 'agency', foreignKey: 'agencyId' });
  Project.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
  Project.hasMany(ProjectItem, { as: 'items', foreignKey: 'projectId' });
  ProjectItem.belongsTo(Project, { as: 'project', foreignKey: 'projectId' });
  ProjectItem.belongsTo(CatalogueItem, { as: 'catalogueItem', foreignKey: 'catalogueItemId' });
  Project.hasMany(Award, { as: 'awards', foreignKey: 'projectId' });
  Award.belongsTo(Project, { as: 'project', foreignKey: 'projectId' });
  Award.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Award.belongsTo(User, { as: 'awarder', foreignKey: 'awardedBy' });
}
