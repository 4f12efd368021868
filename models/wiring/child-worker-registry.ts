import type { Sequelize } from 'sequelize';
import { ChildWorker } from '../ChildWorker.js';
import { District } from '../District.js';
import { StoredFile } from '../StoredFile.js';
import { SubDistrict } from '../SubDistrict.js';
import { TrainingRecord } from '../TrainingRecord.js';

/** Initialises the child-worker registry's models and wires them to districts and stored files. */
export function initChildWorkerRegistry(sequelize: Sequelize): void {
  ChildWorker.initModel(sequelize);
  TrainingRecord.initModel(sequelize);
  ChildWorker.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  ChildWorker.belongsTo(SubDistrict, { as: 'subDistrict', foreignKey: 'subDistrictId' });
  ChildWorker.hasMany(TrainingRecord, { as: 'trainingRecords', foreignKey: 'childWorkerId' });
  TrainingRecord.belongsTo(ChildWorker, { as: 'childWorker', foreignKey: 'childWorkerId' });
  TrainingRecord.belongsTo(StoredFile, { as: 'certificate', foreignKey: 'certificateFileId' });
}
