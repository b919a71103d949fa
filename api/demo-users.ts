/**
 * The demo users `npm start` creates when there is no users file yet: one per role, on the org of
 * examples/contract.json (branch SH, central sub-branch SH-PD, tier-4 office SH-PD-03, agent
 * A10086), with generated secrets printed once. A real deployment writes its own file.
 */
import { existsSync } from 'node:fs';
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
