/**
 * Managing the API's users file (HUIFANG_API_USERS, default data/api-users.json) without writing
 * hashes by hand. New secrets are printed once and stored only hashed.
 *
 *   npx tsx api/users-command.ts list
 *   npx tsx api/users-command.ts add <username> <role> <id> [office] [--password] [--token]
 *   npx tsx api/users-command.ts token <username>     another machine token (the old ones stay valid)
 *   npx tsx api/users-command.ts revoke <username>    every machine token of the user stops working
 *   npx tsx api/users-command.ts remove <username>
 *
 * A running API reads the file at start: restart it after a change.
 */
import { existsSync } from 'node:fs';
import { newMachineToken, tokenDigest } from './credential-hashes';
import { newUsersFile } from './new-users';
import { ROLES, type Role } from './roles';
import { apiUserSchema, readUsersFile, usersFilePath, writeUsersFile, type UsersFile } from './users-file';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';

const USAGE = 'usage: users-command list | add <username> <role> <id> [office] [--password] [--token] | token <username> | revoke <username> | remove <username>';

export async function runUsersCommand(argv: readonly string[], path = usersFilePath(), out: (line: string) => void = console.log): Promise<void> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const [command, username, ...rest] = argv.filter((a) => !a.startsWith('--'));
  const file: UsersFile = existsSync(path) ? readUsersFile(path) : (await newUsersFile([])).file;
  const user = () => {
    const found = file.users.find((u) => u.username === username);
    if (!found) throw new Error(`no user ${username ?? '(none given)'} in ${path}`);
    return found;
  };
  switch (command) {
    case 'list':
      for (const u of file.users) {
        out(`${u.username}\t${u.role}\t${u.id}\t${u.office ?? '-'}\t${u.passwordHash ? 'password' : '-'}\t${u.tokenDigests?.length ?? 0} token(s)`);
      }
      return;
    case 'add': {
      const [role, id, office] = rest;
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
      if (file.users.some((u) => u.username === username)) throw new Error(`${username} exists already`);
      if (!flags.has('--password') && !flags.has('--token')) throw new Error('give --password, --token or both');
      const spec = { username, role: role as Role, id, ...(office ? { office } : {}), password: flags.has('--password'), token: flags.has('--token') };
      const checked = apiUserSchema.safeParse({ username, role, id, office });
      if (!checked.success) throw new Error(describeFieldErrors(toFieldErrors(checked.error)));
      const { file: made, credentials } = await newUsersFile([spec]);
      file.users.push(made.users[0]);
      writeUsersFile(path, file);
      const { password, token } = credentials[0];
      out(`added ${username} (${role} ${id}${office ? ` of ${office}` : ''}) to ${path}; shown only now:`);
      if (password) out(`  password ${password}`);
      if (token) out(`  token    ${token}`);
      return;
    }
    case 'token': {
      const u = user();
      const token = newMachineToken();
      u.tokenDigests = [...(u.tokenDigests ?? []), tokenDigest(token)];
      writeUsersFile(path, file);
      out(`new token for ${username}, shown only now:\n  token    ${token}`);
      return;
    }
    case 'revoke': {
      const u = user();
      delete u.tokenDigests;
      // Whole seconds: a session's issue time is kept in seconds, and one issued in this second goes too.
      u.sessionsNotBefore = new Date(Math.ceil(Date.now() / 1000) * 1000).toISOString();
      writeUsersFile(path, file);
      out(`every machine token and session of ${username} revoked (the API reads the file again within a second)`);
      return;
    }
    case 'remove':
      user();
      file.users = file.users.filter((u) => u.username !== username);
      writeUsersFile(path, file);
      out(`removed ${username} (the API reads the file again within a second)`);
      return;
    default:
      throw new Error(USAGE);
  }
}

if (require.main === module) {
  runUsersCommand(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
