/**
 * Every call the pages make: the API on the same origin, with the signed-in user's session token.
 * A rejection becomes an ApiError whose text is the API's own reason, with each named field.
 */
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
  401: '登录已失效或用户名、密码错误',
  403: '无权进行此操作',
  404: '未找到（或不在您的权限范围内）',
  409: '业务流程拒绝了此操作',
  413: '文件过大',
  415: '文件类型不支持',
  429: '尝试次数过多，请稍后再试',
  503: '系统暂时不可用，请稍后重试',
};

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { message?: string; fields?: { field: string; message: string }[] };
  const fields = body.fields?.map((f) => `${f.field}：${f.message}`).join('；');
  const reason = fields || body.message || res.statusText;
  return new ApiError(res.status, `${STATUS_WORDS[res.status] ?? `请求失败（${res.status}）`}：${reason}`);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const token = init.token ?? savedSession()?.token;
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/** A file download with the token (registers, orders): opened as a blob so the token stays in a header. */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${savedSession()?.token ?? ''}` } });
  if (!res.ok) throw await errorOf(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
