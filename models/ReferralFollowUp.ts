import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * What a receiving department did with the 12355 hotline's referrals of a district in a quarter
 * (#17): how many it handled and how many it closed, recorded by the department itself. Counts
 * only; the referrals sent are read from the accepted hotline deliverables.
 */
export class ReferralFollowUp extends Model<InferAttributes<ReferralFollowUp>, InferCreationAttributes<ReferralFollowUp>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare year: number;
  declare quarter: number;
  /** A department code of services/hotline.ts `REFERRAL_DEPARTMENTS`. */
  declare department: string;
  declare handledCount: number;
  declare closedCount: number;
  declare recordedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;

  static initModel(sequelize: Sequelize): void {
    ReferralFollowUp.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        quarter: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 1, max: 4 } },
        department: { type: DataTypes.STRING(32), allowNull: false },
        handledCount: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 0 } },
        closedCount: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 0 } },
        recordedBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'referral_follow_ups' },
    );
  }
}
