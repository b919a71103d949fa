/** Making users: their secrets are generated here, returned once in clear, and kept only hashed. */
import { randomBytes } from 'node:crypto';
import { hashPassword, newMachineToken, newPassword, tokenDigest } from './credential-hashes';
import type { Principal } from './roles';
import type { ApiUser, UsersFile } from './users-file';

export interface NewUser extends Principal {
  username: string;
  /** Give the user a password for sign-in (staff). */
  password?: boolean;
  /** Give the user a long-lived token (machine clients). */
  token?: boolean;
}

export interface IssuedCredentials {
  username: string;
  principal: Principal;
  password?: string;
  token?: string;
}

export async function newUsersFile(users: readonly NewUser[]): Promise<{ file: UsersFile; credentials: IssuedCredentials[] }> {
  const records: ApiUser[] = [];
  const credentials: IssuedCredentials[] = [];
  for (const { username, password, token, ...principal } of users) {
    const secret = password ? newPassword() : undefined;
    const machineToken = token ? newMachineToken() : undefined;
    records.push({
      username,
      ...principal,
      ...(secret ? { passwordHash: await hashPassword(secret) } : {}),
      ...(machineToken ? { tokenDigests: [tokenDigest(machineToken)] } : {}),
    });
    credentials.push({ username, principal, password: secret, token: machineToken });
  }
  return { file: { sessionSecret: randomBytes(32).toString('base64'), users: records }, credentials };
}
