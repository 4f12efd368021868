import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { Engagement } from '../../models/Engagement.js';
import { engagementRecorder } from '../../server/commands/claims/engagementRecorder.js';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.js';
import { buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { addTrainings, buildWorker, testCipher } from '../factories/workers.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const indexOf = (idNumber: string) => testCipher().index('idNumber', idNumber);

describe('claims: engagements', () => {
  it('engages a trained worker of the district for days within the term, audited; the same worker again on overlapping days is refused', async () => {
    const s = await buildClaimSetup();
    const { worker, idNumber } = await buildWorker();
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-02-01' }]);
    const by = { actor: actorOf(s.orgUser) };
    const e = await engagementRecorder(s.contract.id, { idNumberIndex: indexOf(idNumber), startsOn: '2026-02-01', endsOn: '2026-06-30' }, by);
    expect(e.childWorkerId).to.equal(worker.id);
    expect(await AuditEvent.count({ where: { action: 'engagement.create', recordId: String(e.id) } })).to.equal(1);
    const overlap = await errorOf(engagementRecorder(s.contract.id, { idNumberIndex: indexOf(idNumber), startsOn: '2026-06-30', endsOn: '2026-08-31' }, by));
    expect((overlap as ValidationError).fieldErrors).to.deep.equal({ startsOn: 'claims.validation.overlap' });
    const next = await engagementRecorder(s.contract.id, { idNumberIndex: indexOf(idNumber), startsOn: '2026-07-01', endsOn: '2026-08-31' }, by);
    expect(next.startsOn).to.equal('2026-07-01');
  });

  it('refuses beside the field: an untrained worker, one trained only after the first day, another district, unknown, outside the term', async () => {
    const s = await buildClaimSetup();
    const by = { actor: actorOf(s.orgUser) };
    const untrained = await buildWorker();
    const late = await buildWorker();
    await addTrainings(late.worker, [{ kind: 'initial', trainedOn: '2026-03-02' }]);
    const elsewhere = await buildWorker({ districtCode: 'LG' });
    await addTrainings(elsewhere.worker, [{ kind: 'initial', trainedOn: '2026-01-02' }]);
    const cases: [string, string, string, Record<string, string>][] = [
      [untrained.idNumber, '2026-03-01', '2026-03-31', { idNumber: 'claims.validation.workerUntrained' }],
      [late.idNumber, '2026-03-01', '2026-03-31', { idNumber: 'claims.validation.workerUntrained' }],
      [elsewhere.idNumber, '2026-03-01', '2026-03-31', { idNumber: 'claims.validation.workerDistrict' }],
      ['110101199003078515', '2026-03-01', '2026-03-31', { idNumber: 'claims.validation.workerUnknown' }],
      [late.idNumber, '2026-03-02', '2027-01-01', { endsOn: 'claims.validation.outsideTerm' }],
    ];
    for (const [id, startsOn, endsOn, errors] of cases) {
      const e = await errorOf(engagementRecorder(s.contract.id, { idNumberIndex: indexOf(id), startsOn, endsOn }, by));
      expect(e, `${startsOn} ${JSON.stringify(errors)}`).to.be.instanceOf(ValidationError);
      expect((e as ValidationError).fieldErrors).to.deep.equal(errors);
    }
    const ok = await engagementRecorder(s.contract.id, { idNumberIndex: indexOf(late.idNumber), startsOn: '2026-03-02', endsOn: '2026-03-31' }, by);
    expect(ok.id).to.be.a('number');
  });

  it("answers 404 for another organisation's contract and 409 for a contract that is not active", async () => {
    const s = await buildClaimSetup();
    const { worker, idNumber } = await buildWorker();
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-02' }]);
    const other = (await buildUser('org')).user;
    const input = { idNumberIndex: indexOf(idNumber), startsOn: '2026-02-01', endsOn: '2026-02-28' };
    expect(await errorOf(engagementRecorder(s.contract.id, input, { actor: actorOf(other) }))).to.be.instanceOf(NotFoundError);
    expect(await errorOf(engagementRecorder(s.contract.id, input, { actor: actorOf(s.officer) }))).to.be.instanceOf(NotFoundError);
    await s.contract.update({ status: 'completed' });
    expect(await errorOf(engagementRecorder(s.contract.id, input, { actor: actorOf(s.orgUser) }))).to.be.instanceOf(ConflictError);
    expect(await Engagement.count({ where: { contractId: s.contract.id } })).to.equal(1);
  });
});
