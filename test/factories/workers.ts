import type { ChildWorkerKind, Employment } from '../../models/ChildWorker.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Engagement } from '../../models/Engagement.js';
import type { Contract } from '../../models/Contract.js';
import type { User } from '../../models/index.js';
import type { TrainingKind } from '../../models/TrainingRecord.js';
import { toActor } from '../../server/auth/passport.js';
import { trainingRecorder } from '../../server/commands/workers/trainingRecorder.js';
import { idCheckDigit, maskIdNumber, maskPhone } from '../../server/services/identifiers.js';
import { loadConfig } from '../../server/config.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { buildUser, district, unique } from './index.js';

/**
 * The cipher the app under test uses: the test environment's data key, the same for the unit
 * suite's apps and the browser suite's (neither sets DATA_KEY).
 */
export function testCipher(): PersonalDataCipher {
  return new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey);
}

let sequence = 0;

/**
 * A citizen ID number with a correct GB 11643 check digit and a Shenzhen address code, different
 * on every call in this run: without a birth day, each call takes the next day from 1960-01-01
 * (so no two calls collide); with one, the sequence number is the serial.
 */
export function idNumber(attrs: { area?: string; born?: string } = {}): string {
  sequence += 1;
  const day = new Date(Date.UTC(1960, 0, 1) + (sequence % 14_000) * 86_400_000).toISOString().slice(0, 10);
  const serial = String(attrs.born ? sequence % 1000 : Math.floor(Math.random() * 1000)).padStart(3, '0');
  const born = (attrs.born ?? day).replace(/-/g, '');
  const first17 = `${attrs.area ?? '440304'}${born}${serial}`;
  return first17 + idCheckDigit(first17);
}

/** A mobile number, different on every call. */
export function mobile(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

export type BuiltWorker = { worker: ChildWorker; idNumber: string; phone: string };

/**
 * A registered worker in a district (福田 by default), with its numbers sealed as the app seals
 * them. The plain numbers are returned for the test to look for (and not find) in pages.
 */
export async function buildWorker(
  attrs: {
    districtCode?: string;
    districtId?: number;
    kind?: ChildWorkerKind;
    name?: string;
    idNumber?: string;
    employment?: Employment;
    subDistrictId?: number | null;
    community?: string;
    createdBy?: User;
  } = {},
): Promise<BuiltWorker> {
  const districtId = attrs.districtId ?? (await district(attrs.districtCode ?? 'FT')).id;
  const cipher = testCipher();
  let number = attrs.idNumber ?? idNumber();
  while (!attrs.idNumber && (await ChildWorker.count({ where: { idNumberIndex: cipher.index('idNumber', number) } })) > 0) number = idNumber();
  const phone = mobile();
  const worker = await ChildWorker.create({
    kind: attrs.kind ?? 'director',
    name: attrs.name ?? `儿童主任${unique()}`,
    idNumberEnc: cipher.encrypt(number),
    idNumberIndex: cipher.index('idNumber', number),
    idNumberMasked: maskIdNumber(number),
    phoneEnc: cipher.encrypt(phone),
    phoneMasked: maskPhone(phone),
    districtId,
    subDistrictId: attrs.subDistrictId ?? null,
    community: attrs.community ?? '测试社区',
    employment: attrs.employment ?? 'part_time',
    createdBy: attrs.createdBy?.id ?? null,
  });
  return { worker, idNumber: number, phone };
}

/**
 * A child director of the contract's district, trained by `officer` on `trainedOn` (default
 * 2026-01-10, so trained through 2027-01-10) and engaged by the organisation user `orgUser` under
 * the contract from that day to the end of 2026.
 */
export async function buildEngagedDirector(
  contract: Contract,
  people: { orgUser: User; officer?: User },
  attrs: { name?: string; trainedOn?: string; community?: string } = {},
): Promise<BuiltWorker & { engagement: Engagement }> {
  const trainedOn = attrs.trainedOn ?? '2026-01-10';
  const built = await buildWorker({ districtId: contract.districtId, name: attrs.name, community: attrs.community, createdBy: people.officer });
  await addTrainings(built.worker, [{ kind: 'initial', trainedOn }], people.officer);
  const engagement = await Engagement.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    childWorkerId: built.worker.id,
    startsOn: trainedOn,
    endsOn: '2026-12-31',
    createdBy: people.orgUser.id,
  });
  return { ...built, engagement };
}

/** Records trainings of a worker through the command (so the worker's training days are kept), by `by` or a new city officer. */
export async function addTrainings(worker: ChildWorker, trainings: { kind: TrainingKind; trainedOn: string; passed?: boolean }[], by?: User): Promise<void> {
  const actor = by ?? (await buildUser('officer', { districtCode: 'SZ' })).user;
  for (const t of trainings) {
    await trainingRecorder(
      worker.id,
      { kind: t.kind, trainedOn: t.trainedOn, course: '儿童关爱保护', hours: 20, trainer: '市民政局', passed: t.passed ?? true, confirmPersonalData: false },
      [],
      { actor: toActor(actor) },
    );
  }
  await worker.reload();
}
