/**
 * API users for tests: one per role on the org of `aContract()` (branch SH, central sub-branch
 * SH-PD, tier-4 office SH-PD-03, agent A10086), and a second of each office-bound role and agent
 * elsewhere (BJ, SH-JD, SH-JD-01, A20000) to show isolation. Each has a machine token; the tier-3
 * handler and the agent also a password, for sign-in.
 */
import { ApiAuth, type ApiAuthOptions } from '../../api/api-auth';
import { newUsersFile, type IssuedCredentials, type NewUser } from '../../api/new-users';
import type { UsersFile } from '../../api/users-file';

export const TEST_USERS = [
  { username: 'issuance', role: 'issuance', id: 'ISSUANCE', token: true },
  { username: 'cc-sh', role: 'call-center', id: 'CC-ZHANG', office: 'SH', token: true },
  { username: 'cc-bj', role: 'call-center', id: 'CC-LIU', office: 'BJ', token: true },
  { username: 't3-shpd', role: 'tier3', id: 'T3-LI', office: 'SH-PD', token: true, password: true },
  { username: 't3-shjd', role: 'tier3', id: 'T3-WANG', office: 'SH-JD', token: true },
  { username: 't4-shpd03', role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03', token: true },
  { username: 't4-shjd01', role: 'tier4', id: 'T4-QIAN', office: 'SH-JD-01', token: true },
  { username: 'a10086', role: 'agent', id: 'A10086', token: true, password: true },
  { username: 'a20000', role: 'agent', id: 'A20000', token: true },
  { username: 'ops', role: 'ops', id: 'OPS-1', token: true, password: true },
] as const satisfies readonly NewUser[];

export type TestUsername = (typeof TEST_USERS)[number]['username'];

export interface TestApiUsers {
  auth: ApiAuth;
  file: UsersFile;
  credentials(username: TestUsername): IssuedCredentials;
  /** `{ authorization: 'Bearer …' }` with the user's machine token. */
  headers(username: TestUsername): { authorization: string };
}

export async function testApiUsers(options?: ApiAuthOptions): Promise<TestApiUsers> {
  const { file, credentials } = await newUsersFile(TEST_USERS);
  const byName = new Map(credentials.map((c) => [c.username, c]));
  const credentialsOf = (username: TestUsername) => byName.get(username)!;
  return {
    auth: new ApiAuth(file, options),
    file,
    credentials: credentialsOf,
    headers: (username) => ({ authorization: `Bearer ${credentialsOf(username).token}` }),
  };
}
