import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * An append-only, hash-chained record of something that happened (SECURITY.md "Audit").
 * `seq` orders the chain; `hash` covers every other column and the previous event's hash.
 */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  declare seq: number;
  declare at: Date;
  declare actorId: number | null;
  declare actorName: string | null;
  declare actorRole: string | null;
  declare action: string;
  declare recordType: string | null;
  declare recordId: string | null;
  declare districtId: number | null;
  declare detail: string | null;
  declare ip: string | null;
  declare requestId: string | null;
  declare prevHash: string;
  declare hash: string;

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        seq: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        at: { type: DataTypes.DATE(3), allowNull: false },
        actorId: { type: DataTypes.INTEGER, allowNull: true },
        actorName: { type: DataTypes.STRING(64), allowNull: true },
        actorRole: { type: DataTypes.STRING(16), allowNull: true },
        action: { type: DataTypes.STRING(64), allowNull: false },
        recordType: { type: DataTypes.STRING(40), allowNull: true },
        recordId: { type: DataTypes.STRING(40), allowNull: true },
        districtId: { type: DataTypes.INTEGER, allowNull: true },
        detail: { type: DataTypes.TEXT, allowNull: true },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        requestId: { type: DataTypes.STRING(40), allowNull: true },
        prevHash: { type: DataTypes.STRING(64), allowNull: false },
        hash: { type: DataTypes.STRING(64), allowNull: false },
      },
      { sequelize, tableName: 'audit_events', timestamps: false },
    );
  }
}

/** The single row that holds the chain's tip; locking it serialises appends on MySQL. */
export class AuditHead extends Model<InferAttributes<AuditHead>, InferCreationAttributes<AuditHead>> {
  declare id: number;
  declare lastSeq: number;
  declare lastHash: string;

  static initModel(sequelize: Sequelize): void {
    AuditHead.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true },
        lastSeq: { type: DataTypes.INTEGER, allowNull: false },
        lastHash: { type: DataTypes.STRING(64), allowNull: false },
      },
      { sequelize, tableName: 'audit_heads', timestamps: false },
    );
  }
}
