import type { Transaction } from 'sequelize';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { today } from '../clock.js';
import { type TrainingStatus, trainingStatus } from './training-status.js';

/**
 * A registered worker's training status on day `on` (default today in Asia/Shanghai), read from
 * their training records: what an engagement or a claim checks before it lets a worker be engaged
 * or reimbursed (section 二: only after passing training). Pass the caller's transaction to read
 * under it.
 */
export async function workerTrainingStatus(workerId: number, on: string = today(), transaction?: Transaction): Promise<TrainingStatus> {
  const records = await TrainingRecord.findAll({ where: { childWorkerId: workerId }, attributes: ['kind', 'trainedOn', 'passed'], transaction });
  return trainingStatus(records, on);
}
