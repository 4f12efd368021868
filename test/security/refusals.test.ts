import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { RefusalThrottle } from '../../server/services/refusal-throttle.js';
import { buildUser } from '../factories/index.js';
import { loginAs } from '../support/agent.js';

describe('refused access in the audit trail', () => {
  it('records the first refusal of a user and path, not every one of a burst', async () => {
    const { user, password } = await buildUser('finance');
    const agent = await loginAs(user, password);
    for (let i = 0; i < 5; i++) expect((await agent.get('/admin/users')).status).to.equal(403);
    expect((await agent.get('/reference/districts/1/edit')).status).to.equal(403);
    const events = await AuditEvent.findAll({ where: { action: 'access.refused', actorId: user.id }, order: [['seq', 'ASC']] });
    expect(events.map((e) => JSON.parse(e.detail ?? '{}').path)).to.deep.equal(['/admin/users', '/reference/districts/1/edit']);
  });

  it('folds the repeats of a window into the next recorded refusal', () => {
    const throttle = new RefusalThrottle(60_000);
    const t0 = 1_000_000;
    expect(throttle.admit('user:1 GET /a', t0)).to.deep.equal({ record: true, repeated: 0 });
    expect(throttle.admit('user:1 GET /a', t0 + 1)).to.deep.equal({ record: false, repeated: 0 });
    expect(throttle.admit('user:1 GET /a', t0 + 59_999)).to.deep.equal({ record: false, repeated: 0 });
    expect(throttle.admit('user:2 GET /a', t0 + 2), 'another user').to.deep.equal({ record: true, repeated: 0 });
    expect(throttle.admit('user:1 GET /a', t0 + 60_000)).to.deep.equal({ record: true, repeated: 2 });
    expect(throttle.admit('user:1 GET /a', t0 + 200_000)).to.deep.equal({ record: true, repeated: 0 });
  });

  it('holds a bounded number of keys, dropping the oldest', () => {
    const throttle = new RefusalThrottle(60_000, 2);
    throttle.admit('a', 0);
    throttle.admit('b', 1);
    throttle.admit('c', 2);
    expect(throttle.admit('a', 3).record, 'a was dropped, so it records again').to.equal(true);
    expect(throttle.admit('c', 4).record).to.equal(false);
  });
});
