import type { Sequelize } from 'sequelize';
import { ChildWorker } from '../ChildWorker.js';
import { Claim, ClaimCap, ClaimedFapiao, ClaimLine } from '../Claim.js';
import { Contract } from '../Contract.js';
import { District } from '../District.js';
import { Engagement } from '../Engagement.js';
import { Organisation } from '../Organisation.js';
import { StoredFile } from '../StoredFile.js';
import { User } from '../User.js';

/** Initialises engagements, claims, their lines, held 发票 and caps, and wires them to their parents. */
export function initClaims(sequelize: Sequelize): void {
  Engagement.initModel(sequelize);
  Claim.initModel(sequelize);
  ClaimLine.initModel(sequelize);
  ClaimedFapiao.initModel(sequelize);
  ClaimCap.initModel(sequelize);
  Engagement.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Engagement.belongsTo(ChildWorker, { as: 'worker', foreignKey: 'childWorkerId' });
  Claim.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Claim.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Claim.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Claim.belongsTo(ChildWorker, { as: 'worker', foreignKey: 'childWorkerId' });
  Claim.hasMany(ClaimLine, { as: 'lines', foreignKey: 'claimId' });
  for (const [as, foreignKey] of [
    ['creator', 'createdBy'],
    ['submitter', 'submittedBy'],
    ['verifier', 'verifiedBy'],
    ['approver', 'approvedBy'],
    ['decider', 'decidedBy'],
  ] as const) {
    Claim.belongsTo(User, { as, foreignKey });
  }
  ClaimLine.belongsTo(Claim, { as: 'claim', foreignKey: 'claimId' });
  ClaimLine.belongsTo(StoredFile, { as: 'receipt', foreignKey: 'receiptFileId' });
  ClaimLine.belongsTo(User, { as: 'sanctioner', foreignKey: 'sanctionedBy' });
}
