import type { Sequelize } from 'sequelize';
import { ChildWorker } from '../ChildWorker.js';
import { ChildWorkerNote } from '../ChildWorkerNote.js';
import { Community } from '../Community.js';
import { District } from '../District.js';
import { StoredFile } from '../StoredFile.js';
import { SubDistrict } from '../SubDistrict.js';
import { TrainingRecord } from '../TrainingRecord.js';
import { TrainingSession } from '../TrainingSession.js';
import { TrainingSessionTopic, TrainingTopic } from '../TrainingTopic.js';

/** Initialises the child-worker registry's models and wires them to districts and stored files. */
export function initChildWorkerRegistry(sequelize: Sequelize): void {
  ChildWorker.initModel(sequelize);
  TrainingRecord.initModel(sequelize);
  Community.initModel(sequelize);
  ChildWorkerNote.initModel(sequelize);
  ChildWorker.hasMany(ChildWorkerNote, { as: 'notes', foreignKey: 'childWorkerId' });
  Community.belongsTo(SubDistrict, { as: 'subDistrict', foreignKey: 'subDistrictId' });
  TrainingSession.initModel(sequelize);
  TrainingTopic.initModel(sequelize);
  TrainingSessionTopic.initModel(sequelize);
  ChildWorker.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  ChildWorker.belongsTo(SubDistrict, { as: 'subDistrict', foreignKey: 'subDistrictId' });
  ChildWorker.hasMany(TrainingRecord, { as: 'trainingRecords', foreignKey: 'childWorkerId' });
  TrainingRecord.belongsTo(ChildWorker, { as: 'childWorker', foreignKey: 'childWorkerId' });
  TrainingRecord.belongsTo(StoredFile, { as: 'certificate', foreignKey: 'certificateFileId' });
  TrainingRecord.belongsTo(TrainingSession, { as: 'session', foreignKey: 'trainingSessionId' });
  TrainingSession.hasMany(TrainingRecord, { as: 'records', foreignKey: 'trainingSessionId' });
  TrainingSession.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  TrainingSession.belongsToMany(TrainingTopic, { as: 'topics', through: TrainingSessionTopic, foreignKey: 'trainingSessionId', otherKey: 'topicCode' });
}
