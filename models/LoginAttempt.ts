import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

export const LOGIN_OUTCOMES = ['success', 'failure', 'locked', 'throttled'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

/** One sign-in attempt; the lockout per username and the throttle per IP count these. */
export class LoginAttempt extends Model<InferAttributes<LoginAttempt>, InferCreationAttributes<LoginAttempt>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare ip: string;
  declare outcome: LoginOutcome;
  declare at: Date;

  static initModel(sequelize: Sequelize): void {
    LoginAttempt.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: false },
        outcome: { type: DataTypes.STRING(16), allowNull: false },
        at: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'login_attempts', timestamps: false },
    );
  }
}
