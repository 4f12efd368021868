import net from 'node:net';
import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import { databaseAnswers } from '../../server/db.js';
import { anonymous } from '../support/agent.js';

describe('health and readiness', () => {
  it('/healthz says the process serves, without a session', async () => {
    const res = await anonymous().get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.text).to.equal('ok');
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('/readyz says the database answers', async () => {
    const res = await anonymous().get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.text).to.equal('ready');
  });

  it('the readiness check answers no, never hangs, when the database is closed or does not answer', async () => {
    const closed = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    await closed.close();
    expect(await databaseAnswers(500, closed)).to.equal(false);

    // A server that accepts the connection and never says a word: the MySQL handshake waits forever.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const mute = new Sequelize(`mysql://root@127.0.0.1:${port}/none`, { logging: false, pool: { max: 1, acquire: 60_000 } });
    try {
      expect(await databaseAnswers(300, mute)).to.equal(false);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await mute.close().catch(() => undefined);
    }
  });
});
