import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** The six topics section 二(二) of the policy names (its 重点): renamed perhaps, never retired. */
export const POLICY_TOPIC_CODES = [
  'home_visits',
  'information_update',
  'mandatory_reporting',
  'policy_linkage',
  'family_guardianship',
  'family_education',
] as const;

/** A training topic (培训内容), seeded with the six the policy names in section 二(二); more may be added, renamed, and retired. */
export class TrainingTopic extends Model<InferAttributes<TrainingTopic>, InferCreationAttributes<TrainingTopic>> {
  declare code: string;
  declare name: string;
  declare nameEn: string;
  declare sortOrder: number;
  /** When the administrator retired it: no longer offered to new sessions, still on those that covered it. */
  declare retiredAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize): void {
    TrainingTopic.init(
      {
        code: { type: DataTypes.STRING(40), primaryKey: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        nameEn: { type: DataTypes.STRING(128), allowNull: false },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false },
        retiredAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
      },
      { sequelize, tableName: 'training_topics', timestamps: false },
    );
  }
}

/** Which topics a session covered (the join of sessions and topics). */
export class TrainingSessionTopic extends Model<InferAttributes<TrainingSessionTopic>, InferCreationAttributes<TrainingSessionTopic>> {
  declare trainingSessionId: number;
  declare topicCode: string;

  static initModel(sequelize: Sequelize): void {
    TrainingSessionTopic.init(
      {
        trainingSessionId: { type: DataTypes.INTEGER, primaryKey: true },
        topicCode: { type: DataTypes.STRING(40), primaryKey: true },
      },
      { sequelize, tableName: 'training_session_topics', timestamps: false },
    );
  }
}
