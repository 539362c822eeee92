// Data and keys survive a restart of the local stack; Ctrl-C leaves no process behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { Browser } from '../support/client.ts';
import { startStack } from '../support/stack.ts';

const childrenOf = (dataDir: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && !line.includes('ps -eo'));

test('a restarted stack still has every account, profile and signing key', async () => {
  const first = await startStack();
  const user = { email: `restart.${Date.now()}@example.com`, password: 'survives-a-restart', name: 'Rhea Restart', country: 'NZ' };
  const b = new Browser(first.url);
  assert.equal((await b.post('/api/auth/signup', user)).status, 201);
  const oldCookie = b.jar.get('__Host-session')!;
  await first.stop({ keepData: true });
  assert.deepEqual(childrenOf(first.dataDir), [], 'Ctrl-C stopped every child process');

  const second = await startStack({}, first.dataDir);
  try {
    assert.deepEqual(second.manifest.regions['ap-southeast-2']!.signingKid, first.manifest.regions['ap-southeast-2']!.signingKid);
    const again = new Browser(second.url);
    const old = await again.get('/api/me', { cookie: `__Host-session=${oldCookie}` });
    assert.deepEqual([old.status, old.body.region], [200, 'ap-southeast-2'], 'a session from before the restart still verifies');
    await again.post('/api/auth/locate', { email: user.email });
    const login = await again.post('/api/auth/login', { email: user.email, password: user.password });
    assert.deepEqual([login.status, login.body.user.name], [200, user.name]);
  } finally {
    await second.stop();
  }
});
