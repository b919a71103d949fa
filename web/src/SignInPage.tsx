/** Sign-in with a username and password (POST /v1/auth/sign-in); the session lasts 8 hours. */
import { useState, type FormEvent } from 'react';
import { api, type Session } from './api';
import { useSubmit } from './hooks';

export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, send } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) return setError('请输入用户名和密码');
    await send(async () => {
      const s = await api<Omit<Session, 'username'>>('/v1/auth/sign-in', {
        method: 'POST',
        body: { username: username.trim(), password },
        refusals: { 401: '用户名或密码错误', 429: '登录尝试次数过多，请稍后再试或联系运维解锁' },
      });
      onSignedIn({ ...s, username: username.trim() });
    });
  }

  return (
    <main className="sign-in">
      <h1>新契约回访工作台</h1>
      <form onSubmit={submit} noValidate>
        <label>
          用户名
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          密码
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          登录
        </button>
      </form>
    </main>
  );
}
