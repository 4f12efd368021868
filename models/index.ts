import type { Sequelize } from 'sequelize';
import { Agency } from './Agency.js';
import { initChildWorkerRegistry } from './child-worker-registry.js';
import { AuditEvent, AuditHead } from './AuditEvent.js';
import { initAllocations } from './allocations.js';
import { initCatalogue } from './catalogue.js';
import { initClaims } from './claims.js';
import { initContracts } from './contracts.js';
import { initEvaluations } from './evaluations.js';
import { initDeliverables } from './deliverables.js';
import { District } from './District.js';
import { initFinance } from './finance.js';
import { LoginAttempt } from './LoginAttempt.js';
import { Organisation } from './Organisation.js';
import { initOrganisationRegistry } from './organisation-registry.js';
import { initPayments } from './payments.js';
import { initProjects } from './projects.js';
import { ServiceCategory } from './ServiceCategory.js';
import { Session } from './Session.js';
import { StoredFile } from './StoredFile.js';
import { SubDistrict } from './SubDistrict.js';
import { User } from './User.js';

/** Initialises every model on `sequelize` and wires their associations. */
export function initModels(sequelize: Sequelize): void {
  for (const m of [District, SubDistrict, Agency, Organisation, ServiceCategory, User, Session, LoginAttempt, AuditEvent, AuditHead, StoredFile]) {
    m.initModel(sequelize);
  }
  District.hasMany(SubDistrict, { as: 'subDistricts', foreignKey: 'districtId' });
  SubDistrict.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  District.hasMany(Agency, { as: 'agencies', foreignKey: 'districtId' });
  Agency.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Organisation.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  User.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  User.belongsTo(Agency, { as: 'agency', foreignKey: 'agencyId' });
  User.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  initOrganisationRegistry(sequelize);
  initChildWorkerRegistry(sequelize);
  initCatalogue(sequelize);
  initProjects(sequelize);
  initFinance(sequelize);
  initAllocations(sequelize);
  initContracts(sequelize);
  initPayments(sequelize);
  initEvaluations(sequelize);
  initDeliverables(sequelize);
  initClaims(sequelize);
}

export { Agency, AuditEvent, AuditHead, District, LoginAttempt, Organisation, ServiceCategory, Session, StoredFile, SubDistrict, User };
export { ROLES, type Role } from './User.js';
