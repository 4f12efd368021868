import type { Sequelize } from 'sequelize';
import { Agency } from './Agency.js';
import { AuditEvent, AuditHead } from './AuditEvent.js';
import { District } from './District.js';
import { LoginAttempt } from './LoginAttempt.js';
import { Organisation } from './Organisation.js';
import { ServiceCategory } from './ServiceCategory.js';
import { Session } from './Session.js';
import { StoredFile } from './StoredFile.js';
import { SubDistrict } from './SubDistrict.js';
import { User } from './User.js';
import { initAllocations } from './wiring/allocations.js';
import { initAllowances } from './wiring/allowances.js';
import { initBatches } from './wiring/batches.js';
import { initCatalogue } from './wiring/catalogue.js';
import { initChildWorkerRegistry } from './wiring/child-worker-registry.js';
import { initClaims } from './wiring/claims.js';
import { initContracts } from './wiring/contracts.js';
import { initDeliverables } from './wiring/deliverables.js';
import { initEvaluations } from './wiring/evaluations.js';
import { initFinance } from './wiring/finance.js';
import { initNotifications } from './wiring/notifications.js';
import { initOrganisationRegistry } from './wiring/organisation-registry.js';
import { initOversight } from './wiring/oversight.js';
import { initPayments } from './wiring/payments.js';
import { initProjects } from './wiring/projects.js';
import { initRetention } from './wiring/retention.js';
import { initServiceCategories } from './wiring/service-categories.js';

/**
 * Initialises every model on `sequelize` and wires their associations: the shared models here, each
 * area's models (and how they hang together) in `models/wiring/<area>.ts`.
 */
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
  initNotifications(sequelize);
  initBatches(sequelize);
  initOversight(sequelize);
  initRetention(sequelize);
  initServiceCategories(sequelize);
  initAllowances(sequelize);
}

export { Agency, AuditEvent, AuditHead, District, LoginAttempt, Organisation, ServiceCategory, Session, StoredFile, SubDistrict, User };
export { ROLES, type Role } from './User.js';
