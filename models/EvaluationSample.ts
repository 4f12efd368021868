import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** A JSON list of ids kept in a TEXT column (portable across SQLite and MySQL). */
const idList = (name: string) => ({
  type: DataTypes.TEXT,
  allowNull: false,
  get(this: Model) {
    return JSON.parse(String(this.getDataValue(name) ?? '[]')) as number[];
  },
  set(this: Model, value: number[]) {
    this.setDataValue(name, JSON.stringify(value));
  },
});

/**
 * A district's yearly spot-check sample (抽查): the seed it was drawn with and, in the order the
 * draw read them, the eligible contracts, those excluded (sampled the year before), those chosen
 * by hand and those drawn, so anyone can re-run the draw and get the same sample.
 */
export class EvaluationSample extends Model<InferAttributes<EvaluationSample>, InferCreationAttributes<EvaluationSample>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare year: number;
  declare seed: number;
  declare eligibleIds: number[];
  declare excludedIds: number[];
  declare manualIds: number[];
  declare drawnIds: number[];
  declare requiredCount: number;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    EvaluationSample.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        seed: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: EvaluationSample) {
            return Number(this.getDataValue('seed'));
          },
        },
        eligibleIds: idList('eligibleIds'),
        excludedIds: idList('excludedIds'),
        manualIds: idList('manualIds'),
        drawnIds: idList('drawnIds'),
        requiredCount: { type: DataTypes.INTEGER, allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'evaluation_samples' },
    );
  }
}
