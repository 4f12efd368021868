import { type CreationOptional, DataTypes, type ForeignKey, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** 奖励和表扬 (a commendation), 履职跟踪 (a note on performance), 调整 (an adjustment for poor performance). */
export const WORKER_NOTE_KINDS = ['commendation', 'performance', 'adjustment'] as const;
export type WorkerNoteKind = (typeof WORKER_NOTE_KINDS)[number];

/** A dated note in a child worker's tracking history (section 二(一)); never edited, never deleted. */
export class ChildWorkerNote extends Model<InferAttributes<ChildWorkerNote>, InferCreationAttributes<ChildWorkerNote>> {
  declare id: CreationOptional<number>;
  declare childWorkerId: ForeignKey<number>;
  declare kind: WorkerNoteKind;
  /** `YYYY-MM-DD`, a day in Asia/Shanghai. */
  declare notedOn: string;
  declare text: string;
  declare recordedBy: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ChildWorkerNote.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [WORKER_NOTE_KINDS] } },
        notedOn: { type: DataTypes.DATEONLY, allowNull: false },
        text: { type: DataTypes.STRING(500), allowNull: false },
        recordedBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'child_worker_notes', updatedAt: false },
    );
  }
}
