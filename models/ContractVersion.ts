import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** The terms a version fixed: value, term, ceiling, art. 23 texts, targets and instalments. */
export type ContractSnapshot = {
  valueFen: number;
  reimbursementCeilingFen: number;
  termStart: string;
  termEnd: string;
  termJustification: string | null;
  texts: Record<string, string | null>;
  targets: { categoryCode: string; metric: string; targetCount: number }[];
  instalments: { seq: number; amountFen: number; milestone: string; dueOn: string | null; requiresFinalEvaluation: boolean; status: string }[];
};

/**
 * One version of a contract's terms: version 1 is fixed at activation, each amendment adds the
 * next with its reason. Rows are only created, never updated: they keep what was agreed.
 */
export class ContractVersion extends Model<InferAttributes<ContractVersion>, InferCreationAttributes<ContractVersion>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare version: number;
  declare reason: string;
  declare valueFen: number;
  declare snapshot: ContractSnapshot;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ContractVersion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        reason: { type: DataTypes.TEXT, allowNull: false },
        valueFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: ContractVersion) {
            return Number(this.getDataValue('valueFen'));
          },
        },
        snapshot: {
          type: DataTypes.TEXT,
          allowNull: false,
          get(this: ContractVersion) {
            return JSON.parse(this.getDataValue('snapshot') as unknown as string) as ContractSnapshot;
          },
          set(this: ContractVersion, value: ContractSnapshot) {
            this.setDataValue('snapshot', JSON.stringify(value) as unknown as ContractSnapshot);
          },
        },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'contract_versions', updatedAt: false },
    );
  }
}
