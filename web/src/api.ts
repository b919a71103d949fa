/**
 * Every call the pages make: the API on the same origin, with the signed-in user's session token.
 * A rejection becomes an ApiError in words: the status in Chinese, then the API's reason (each named
 * field), put in Chinese where it is one the desks meet (refusals.ts).
 */
import { fieldInWords, refusalInWords } from './refusals';
const TOKEN_KEY = 'huifang.session';

export interface Principal {
  role: 'issuance' | 'call-center' | 'tier3' | 'tier4' | 'agent' | 'ops';
  id: string;
  office?: string;
}
export interface Session {
  token: string;
  principal: Principal;
  expiresAt: string;
  username: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function savedSession(): Session | undefined {
  const raw = sessionStorage.getItem(TOKEN_KEY);
  if (!raw) return undefined;
  const s = JSON.parse(raw) as Session;
  return Date.parse(s.expiresAt) > Date.now() ? s : undefined;
}
export const saveSession = (s: Session | undefined) => (s ? sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s)) : sessionStorage.removeItem(TOKEN_KEY));

const STATUS_WORDS: Record<number, string> = {
  400: '提交的内容有误',
  401: '登录已失效，请重新登录',
  403: '无权进行此操作',
  404: '未找到（或不在您的权限范围内）',
  409: '业务流程拒绝了此操作',
  413: '文件过大',
  415: '文件类型不支持',
  429: '尝试次数过多，请稍后再试',
  503: '系统暂时不可用，请稍后重试',
};

/** Words for some statuses of one request, where the desk knows better what they mean (a sign-in's 401). */
export type Refusals = Partial<Record<number, string>>;

async function errorOf(res: Response, refusals: Refusals = {}): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { message?: string; fields?: { field: string; message: string }[] };
  const own = refusals[res.status];
  if (own) return new ApiError(res.status, own);
  const fields = body.fields?.map((f) => `${fieldInWords(f.field)}：${refusalInWords(f.message)}`).join('；');
  const reason = fields || refusalInWords(body.message ?? res.statusText);
  return new ApiError(res.status, `${STATUS_WORDS[res.status] ?? `请求失败（${res.status}）`}：${reason}`);
}

const authorization = (token = savedSession()?.token): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string; refusals?: Refusals } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { ...authorization(init.token), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) throw await errorOf(res, init.refusals);
  return (await res.json()) as T;
}

/** A file as the raw body of a PUT (a scan, a recording), streamed by the browser; the answer as JSON. */
export async function sendFile<T>(path: string, file: Blob, contentType: string, refusals: Refusals = {}): Promise<T> {
  const res = await fetch(path, { method: 'PUT', headers: { ...authorization(), 'content-type': contentType }, body: file });
  if (!res.ok) throw await errorOf(res, refusals);
  return (await res.json()) as T;
}

/** A document fetched with the token (a header, never the URL), as a local object URL: revoke it when done. */
export async function documentUrl(path: string): Promise<{ url: string; type: string }> {
  const res = await fetch(path, { headers: authorization() });
  if (!res.ok) throw await errorOf(res);
  const blob = await res.blob();
  return { url: URL.createObjectURL(blob), type: blob.type };
}

/** A file download with the token (registers, orders). */
export async function download(path: string, fileName: string): Promise<void> {
  const { url } = await documentUrl(path);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
