/**
 * The demo users `npm start` creates when there is no users file yet: one per role, on the org of
 * examples/contract.json (branch SH, central sub-branch SH-PD, tier-4 office SH-PD-03, agent
 * A10086), with generated secrets shown once. A real deployment writes its own file.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newUsersFile, type IssuedCredentials, type NewUser } from './new-users';
import { writeUsersFile } from './users-file';

export const DEMO_USERS: readonly NewUser[] = [
  { username: 'issuance', role: 'issuance', id: 'ISSUANCE', token: true },
  { username: 'cc-sh', role: 'call-center', id: 'CC-ZHANG', office: 'SH', password: true },
  { username: 't3-shpd', role: 'tier3', id: 'T3-LI', office: 'SH-PD', password: true },
  { username: 't4-shpd03', role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03', password: true },
  { username: 'a10086', role: 'agent', id: 'A10086', password: true },
  { username: 'ops', role: 'ops', id: 'OPS-1', password: true, token: true },
];

/** Writes the demo users to `path` unless a users file is already there; the secrets, when it wrote them. */
export async function seedDemoUsers(path: string): Promise<IssuedCredentials[] | undefined> {
  if (existsSync(path)) return undefined;
  const { file, credentials } = await newUsersFile(DEMO_USERS);
  writeUsersFile(path, file);
  return credentials;
}

/** Where `npm start` leaves the demo secrets: beside the users file, owner-only. */
export const demoCredentialsPath = (usersFile: string): string => join(dirname(usersFile), 'demo-credentials.txt');

/**
 * The demo secrets as lines, written owner-only (0600) beside the users file: a piped `npm start > log`
 * would otherwise leave them in a world-readable log, so the terminal shows them only when it is one.
 */
export function writeDemoCredentials(usersFile: string, credentials: readonly IssuedCredentials[]): { path: string; lines: string[] } {
  const lines = credentials.map(({ username, principal, password, token }) => {
    const who = `${principal.role}${principal.office ? ` ${principal.office}` : ''} ${principal.id}`;
    const secrets = [password && `password ${password}`, token && `token ${token}`].filter(Boolean).join('   ');
    return `  ${username.padEnd(10)} ${who.padEnd(24)} ${secrets}`;
  });
  const path = demoCredentialsPath(usersFile);
  writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 });
  return { path, lines };
}
