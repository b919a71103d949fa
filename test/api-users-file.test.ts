/**
 * The API's users file: `npm start` seeds demo users, one per role, when there is none; secrets are
 * stored hashed only, the file is private to its owner, and a bad file stops the API naming the field.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiAuth } from '../api/api-auth';
import { seedDemoUsers } from '../api/demo-users';
import { ROLES } from '../api/roles';
import { readUsersFile, usersFilePath } from '../api/users-file';
import { runUsersCommand } from '../api/users-command';

const dir = mkdtempSync(join(tmpdir(), 'huifang-users-'));

test('seeding writes one demo user per role, hashed, readable by its owner only, and never overwrites', async () => {
  const path = join(dir, 'api-users.json');
  const credentials = await seedDemoUsers(path);
  expect(credentials!.map((c) => c.principal.role).sort()).toEqual([...ROLES].sort());
  const text = readFileSync(path, 'utf8');
  for (const c of credentials!) {
    for (const secret of [c.password, c.token].filter(Boolean)) expect(text).not.toContain(secret);
  }
  expect(statSync(path).mode & 0o777).toBe(0o600);

  const auth = ApiAuth.fromFile(path);
  const issuance = credentials!.find((c) => c.username === 'issuance')!;
  expect(auth.authenticate(`Bearer ${issuance.token}`).principal).toEqual({ role: 'issuance', id: 'ISSUANCE' });
  const agent = credentials!.find((c) => c.principal.role === 'agent')!;
  expect((await auth.signIn(agent.username, agent.password!))?.principal).toEqual({ role: 'agent', id: 'A10086' });

  expect(await seedDemoUsers(path)).toBeUndefined();
  expect(readFileSync(path, 'utf8')).toBe(text);
});

test('a missing or bad users file stops the API with the file and the field named', () => {
  const missing = join(dir, 'none.json');
  expect(() => ApiAuth.fromFile(missing)).toThrow(`no API users file at ${missing}`);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ sessionSecret: Buffer.alloc(32).toString('base64'), users: [{ username: 'cc', role: 'call-center', id: 'CC-1' }, { username: 'x', role: 'root', id: 'X' }] }));
  expect(() => readUsersFile(bad)).toThrow(`${bad}: users[0].office: a call-center principal needs its office; users[1].username: must be 2-64`);
  expect(() => readUsersFile(bad)).toThrow(/users\[1\]\.role/);
  expect(usersFilePath({ HUIFANG_API_USERS: '/etc/huifang/users.json' })).toBe('/etc/huifang/users.json');
});

test('the users command adds a user with secrets shown once, adds and revokes tokens, removes users', async () => {
  const path = join(dir, 'managed.json');
  const lines: string[] = [];
  const run = (...argv: string[]) => runUsersCommand(argv, path, (l) => lines.push(l));
  await run('add', 'issuance', 'issuance', 'ISSUANCE', '--token');
  const first = /token +(hfm_\S+)/.exec(lines.join('\n'))![1];
  expect(ApiAuth.fromFile(path).authenticate(`Bearer ${first}`).principal).toEqual({ role: 'issuance', id: 'ISSUANCE' });
  expect(readFileSync(path, 'utf8')).not.toContain(first);

  await expect(run('add', 't3', 'tier3', 'T3-LI', '--password')).rejects.toThrow('office: a tier3 principal needs its office');
  await expect(run('add', 'issuance', 'issuance', 'X', '--token')).rejects.toThrow('issuance exists already');

  lines.length = 0;
  await run('token', 'issuance');
  const second = /token +(hfm_\S+)/.exec(lines.join('\n'))![1];
  const auth = ApiAuth.fromFile(path);
  for (const t of [first, second]) expect(auth.authenticate(`Bearer ${t}`).username).toBe('issuance');

  await run('revoke', 'issuance');
  for (const t of [first, second]) expect(() => ApiAuth.fromFile(path).authenticate(`Bearer ${t}`)).toThrow('invalid token');
  await run('remove', 'issuance');
  lines.length = 0;
  await run('list');
  expect(lines).toEqual([]);
});
