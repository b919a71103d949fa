/**
 * The API's users and tokens, kept out of git in a JSON file (HUIFANG_API_USERS, default
 * data/api-users.json): who each user is (role, id, office), the scrypt hash of their password
 * and the digests of their machine tokens, and the key session tokens are signed with.
 *
 *   { "sessionSecret": "<base64, 32 bytes>",
 *     "users": [ { "username": "t3-shpd", "role": "tier3", "id": "T3-LI", "office": "SH-PD",
 *                  "passwordHash": "scrypt$…", "tokenDigests": ["sha256:…"] } ] }
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';
import { principalSchema } from './roles';

export const DEFAULT_USERS_FILE = resolve(__dirname, '..', 'data', 'api-users.json');

export function usersFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUIFANG_API_USERS ?? DEFAULT_USERS_FILE;
}

export const apiUserSchema = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2-64 lower-case letters, digits, dots, dashes or underscores'),
    role: principalSchema.shape.role,
    id: principalSchema.shape.id,
    office: principalSchema.shape.office,
    /** For sign-in (staff). */
    passwordHash: z.string().startsWith('scrypt$', 'must be a scrypt hash').optional(),
    /** Long-lived tokens (machine clients), as `sha256:<hex>`. */
    tokenDigests: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be 'sha256:' and 64 hex digits")).optional(),
    /** Sessions issued before this instant are refused (`users-command revoke`). */
    sessionsNotBefore: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    const p = principalSchema.safeParse({ role: u.role, id: u.id, office: u.office });
    if (!p.success) for (const issue of p.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type ApiUser = z.infer<typeof apiUserSchema>;

export const usersFileSchema = z
  .object({
    /** HMAC-SHA256 key of session tokens; every API process of one deployment shares it. */
    sessionSecret: z.base64('must be base64').refine((s) => Buffer.from(s, 'base64').length >= 32, 'must be at least 32 bytes'),
    users: z.array(apiUserSchema).superRefine((users, ctx) => {
      const seen = new Set<string>();
      users.forEach((u, i) => {
        if (seen.has(u.username)) ctx.addIssue({ code: 'custom', path: [i, 'username'], message: `${u.username} is listed twice` });
        seen.add(u.username);
      });
    }),
  })
  .strict();
export type UsersFile = z.infer<typeof usersFileSchema>;

/** Reads and checks the file; a bad file stops the API with the file and field named. */
export function readUsersFile(path: string): UsersFile {
  if (!existsSync(path)) {
    throw new Error(`no API users file at ${path}: set HUIFANG_API_USERS, or run \`npm start\` once to create demo users`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = usersFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: ${describeFieldErrors(toFieldErrors(parsed.error))}`);
  return parsed.data;
}

/** Writes the file readable by its owner only (it holds the session key). */
export function writeUsersFile(path: string, file: UsersFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
