import type { Sequelize } from 'sequelize';
import { Award } from '../Award.js';
import { Contract } from '../Contract.js';
import { ContractTarget } from '../ContractTarget.js';
import { ContractVersion } from '../ContractVersion.js';
import { District } from '../District.js';
import { Instalment } from '../Instalment.js';
import { Organisation } from '../Organisation.js';
import { Project } from '../Project.js';
import { StoredFile } from '../StoredFile.js';
import { User } from '../User.js';

/** Initialises contracts, their targets, instalments and versions, and wires them to their parents. */
export function initContracts(sequelize: Sequelize): void {
  Contract.initModel(sequelize);
  ContractTarget.initModel(sequelize);
  ContractVersion.initModel(sequelize);
  Instalment.initModel(sequelize);
  Contract.belongsTo(Project, { as: 'project', foreignKey: 'projectId' });
  Contract.belongsTo(Award, { as: 'award', foreignKey: 'awardId' });
  Contract.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Contract.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Contract.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
  Contract.belongsTo(StoredFile, { as: 'announcementFile', foreignKey: 'announcementFileId' });
  Contract.belongsTo(StoredFile, { as: 'signedFile', foreignKey: 'signedFileId' });
  Contract.hasMany(ContractTarget, { as: 'targets', foreignKey: 'contractId' });
  Contract.hasMany(Instalment, { as: 'instalments', foreignKey: 'contractId' });
  Contract.hasMany(ContractVersion, { as: 'versions', foreignKey: 'contractId' });
  ContractTarget.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Instalment.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  ContractVersion.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  ContractVersion.belongsTo(User, { as: 'creator', foreignKey: 'createdBy' });
}
