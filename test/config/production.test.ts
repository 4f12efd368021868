import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { ConfigError, DEV_DATA_KEY, DEV_SESSION_SECRET, loadConfig, projectRoot } from '../../server/config.js';

const GOOD = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-real-secret-of-more-than-thirty-two-characters',
  DATA_KEY: '3f'.repeat(16) + 'a1'.repeat(16),
};

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let done = false;
  exited.then(() => {
    done = true;
  });
  for (;;) {
    const m = output().match(pattern);
    if (m) return m;
    if (done) throw new Error(`process ended before ${pattern}: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('production start', () => {
  it('refuses missing, default or short secrets and a default data key', () => {
    const refuse = (env: Record<string, string>, pattern: RegExp) => expect(() => loadConfig(env as NodeJS.ProcessEnv)).to.throw(ConfigError, pattern);
    refuse({ NODE_ENV: 'production' }, /SESSION_SECRET is missing.*DATA_KEY is missing/);
    refuse({ ...GOOD, SESSION_SECRET: DEV_SESSION_SECRET }, /SESSION_SECRET is the development default/);
    refuse({ ...GOOD, SESSION_SECRET: 'short' }, /SESSION_SECRET/);
    refuse({ ...GOOD, DATA_KEY: DEV_DATA_KEY }, /DATA_KEY is the development default/);
    refuse({ ...GOOD, DATA_KEY: 'not-hex' }, /DATA_KEY must be 64 hexadecimal/);
    refuse({ ...GOOD, PASSWORD_COST: '12' }, /PASSWORD_COST/);
    expect(loadConfig(GOOD as NodeJS.ProcessEnv).isProduction).to.equal(true);
  });

  it('refuses object storage in clear text (tls=0) unless it is on this machine, without echoing the URL', () => {
    const remote = 's3://KEY:SECRET-VALUE@oss.bureau.example:9000/careprocure?tls=0';
    expect(() => loadConfig({ ...GOOD, STORAGE_URL: remote } as NodeJS.ProcessEnv))
      .to.throw(ConfigError, /tls=0 is allowed in production only for a store on this machine/)
      .with.property('message')
      .that.does.not.contain('SECRET-VALUE');
    for (const host of ['127.0.0.1:9000', 'localhost:9000', '[::1]:9000']) {
      expect(loadConfig({ ...GOOD, STORAGE_URL: `s3://KEY:SECRET@${host}/careprocure?tls=0` } as NodeJS.ProcessEnv).storage.kind, host).to.equal('s3');
    }
    expect(loadConfig({ ...GOOD, STORAGE_URL: 's3://KEY:SECRET@oss.bureau.example/careprocure' } as NodeJS.ProcessEnv).storage.kind).to.equal('s3');
    expect(loadConfig({ NODE_ENV: 'development', STORAGE_URL: remote } as NodeJS.ProcessEnv).storage.kind, 'outside production').to.equal('s3');
  });

  it('does not start with the default secret: exits with a message, listening nowhere', async function () {
    // A process of its own: its start (tsx compiling the server) takes long on a busy machine.
    this.timeout(180_000);
    const { output, exited } = start({ ...GOOD, SESSION_SECRET: DEV_SESSION_SECRET, DATABASE_URL: 'sqlite::memory:' });
    const code = await exited;
    expect(code).to.equal(78);
    expect(output()).to.contain('Refusing to start');
    expect(output()).to.not.contain('running at');
  });

  it('creates only the first admin, with a one-time password that must be changed at sign-in', async function () {
    // A process of its own that migrates a fresh database and hashes at the production cost.
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careprocure-prod-'));
    const { child, output, exited } = start({ ...GOOD, DATABASE_URL: `sqlite:${path.join(dir, 'prod.sqlite')}` });
    try {
      const [, password] = await waitFor(output, /admin\s+admin\s+(\S+)\n/, exited);
      const [, base] = await waitFor(output, /running at (http:\/\/\S+?)\/\n/, exited);
      expect(output()).to.not.contain('careprocure-demo');
      expect(output()).to.not.contain('officer.ft');
      const agent = request.agent(base);
      const page = await agent.get('/login');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const res = await agent.post('/login').type('form').send({ username: 'admin', password, _csrf: token });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/account/password');
      expect((await agent.get('/')).headers.location).to.equal('/account/password');
    } finally {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('proxy trust', () => {
  it('reads a hop count as a number and addresses as text', () => {
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '1' } as NodeJS.ProcessEnv).trustProxy).to.equal(1);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'loopback' } as NodeJS.ProcessEnv).trustProxy).to.equal('loopback');
    expect(loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv).trustProxy).to.equal(undefined);
  });
});
