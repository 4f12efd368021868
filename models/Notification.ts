import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * What a notification tells its recipient (#16): an event of a record of theirs, an assignment to
 * them, or a reminder before (or escalation after) a deadline. Each names its message in the
 * locale files (`notifications.kinds.<kind>`).
 */
export const NOTIFICATION_KINDS = [
  'allocationApproved',
  'allocationRejected',
  'paymentApproved',
  'paymentRejected',
  'paymentPaid',
  'claimReturned',
  'claimRejected',
  'claimApproved',
  'claimPaid',
  'allowanceApproved',
  'allowanceRejected',
  'allowancePaid',
  'deliverableReturned',
  'deliverableAccepted',
  'evaluationAssigned',
  'evaluationReturned',
  'evaluationConfirmed',
  'reminderDeliverableDue',
  'reminderRectification',
  'reminderTrainingRenewal',
  'reminderContractEnd',
  'reminderFinalEvaluation',
  'escalationDeliverableDue',
  'escalationRectification',
  'escalationContractEnd',
  'escalationFinalEvaluation',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One notification of one recipient: read or not, its message in their language from `kind` and `params`. */
export class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare kind: string;
  declare recordType: string | null;
  declare recordId: number | null;
  declare href: string;
  declare params: Record<string, string | number>;
  declare dedupeKey: CreationOptional<string | null>;
  declare createdAt: Date;
  declare readAt: CreationOptional<Date | null>;
  /** When the delivery round turned it into its deliveries beyond the app (null: not yet). */
  declare dispatchedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize): void {
    Notification.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(48), allowNull: false },
        recordType: { type: DataTypes.STRING(32), allowNull: true },
        recordId: { type: DataTypes.INTEGER, allowNull: true },
        href: { type: DataTypes.STRING(255), allowNull: false },
        params: {
          type: DataTypes.TEXT,
          allowNull: false,
          get(this: Notification) {
            const raw = this.getDataValue('params') as unknown as string | null;
            try {
              return raw ? (JSON.parse(raw) as Record<string, string | number>) : {};
            } catch {
              return {};
            }
          },
          set(this: Notification, value: Record<string, string | number>) {
            this.setDataValue('params', JSON.stringify(value ?? {}) as unknown as Record<string, string | number>);
          },
        },
        dedupeKey: { type: DataTypes.STRING(160), allowNull: true },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
        readAt: { type: DataTypes.DATE(3), allowNull: true },
        dispatchedAt: { type: DataTypes.DATE(3), allowNull: true },
      },
      { sequelize, tableName: 'notifications', underscored: true, timestamps: false },
    );
  }
}
