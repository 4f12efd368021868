import type { Sequelize } from 'sequelize';
import { Contract } from '../Contract.js';
import { Deliverable } from '../Deliverable.js';
import { DeliverableComment } from '../DeliverableComment.js';
import { DeliverableFile } from '../DeliverableFile.js';
import { DeliverableVersion } from '../DeliverableVersion.js';
import { District } from '../District.js';
import { Organisation } from '../Organisation.js';
import { ReportingSchedule } from '../ReportingSchedule.js';
import { StoredFile } from '../StoredFile.js';
import { User } from '../User.js';

/** Initialises deliverables, their versions, files and comments, and the reporting schedules. */
export function initDeliverables(sequelize: Sequelize): void {
  for (const m of [ReportingSchedule, Deliverable, DeliverableVersion, DeliverableFile, DeliverableComment]) m.initModel(sequelize);
  Deliverable.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Deliverable.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Deliverable.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Deliverable.hasMany(DeliverableVersion, { as: 'versions', foreignKey: 'deliverableId' });
  DeliverableVersion.belongsTo(Deliverable, { as: 'deliverable', foreignKey: 'deliverableId' });
  DeliverableVersion.hasMany(DeliverableFile, { as: 'files', foreignKey: 'versionId' });
  DeliverableFile.belongsTo(StoredFile, { as: 'storedFile', foreignKey: 'storedFileId' });
  DeliverableComment.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
  ReportingSchedule.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
}
