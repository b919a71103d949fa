/**
 * The policyholder's e-callback (电子化回访), on a phone: opened from the SMS link, whose token is in
 * the URL's fragment (never sent to a server's logs) and kept in this tab only. Identity (name, ID
 * number, then a code to the phone on file), the product's key disclosures, the questionnaire, a
 * signature drawn with the finger; each screen reported as shown. "改为电话回访" at every step.
 */
import { useEffect, useRef, useState, type FormEvent, type PointerEvent } from 'react';
import { useSubmit } from './hooks';

const TOKEN_KEY = 'huifang.e-callback';

/** The link's token: from the fragment the first time (then removed from the address bar), else from this tab. */
function linkToken(): string {
  const fromHash = location.hash.slice(1);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** A POST to the e-callback API; a refusal is its message (these routes answer in Chinese). */
async function post<T>(path: string, body: object): Promise<T> {
  const res = await fetch(`/v1/e-callback/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(res.status === 400 ? `请检查填写的内容${answer.message && /[\u4e00-\u9fff]/.test(answer.message) ? `：${answer.message.replace(/^[a-z]+: /, '')}` : ''}` : (answer.message ?? '系统暂时不可用，请稍后再试'));
  return answer;
}

type Step =
  | { at: 'opening' }
  | { at: 'identity' }
  | { at: 'code'; sentTo: string; minutes: number }
  | { at: 'face' | 'disclosures' | 'questions' | 'signature'; session: string; faceVerification: boolean; disclosures: string[]; questions: { id: string; text: string }[] }
  | { at: 'done'; followUp: boolean }
  | { at: 'call' }
  | { at: 'closed'; why: string };

const ANSWERS: [string, string][] = [
  ['yes', '是'],
  ['no', '否'],
  ['unclear', '不清楚'],
];

export function ECallbackPage() {
  const [token] = useState(linkToken);
  const [step, setStep] = useState<Step>({ at: 'opening' });
  const { busy, error, setError, send: run } = useSubmit();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [code, setCode] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const canvas = useRef<HTMLCanvasElement>(null);
  const [signed, setSigned] = useState(false);


  useEffect(() => {
    if (!token) return setStep({ at: 'closed', why: '链接不完整：请从短信中的链接打开' });
    post('open', { token }).then(
      () => setStep({ at: 'identity' }),
      (err: Error) => setStep({ at: 'closed', why: err.message }),
    );
  }, [token]);

  // Each screen of the e-callback is on record as shown, with its time.
  const session = 'session' in step ? step.session : undefined;
  useEffect(() => {
    const screen = step.at === 'disclosures' ? 'disclosures' : step.at === 'questions' ? 'questionnaire' : step.at === 'signature' ? 'signature' : undefined;
    if (session && screen) void post('screen', { session, screen }).catch(() => undefined);
  }, [step.at, session]);

  const askForCall = () => run(async () => (await post('ask-for-call', { token }), setStep({ at: 'call' })));

  const sendIdentity = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !/^\d{17}[\dXx]$/.test(idNumber.trim())) return setError('请填写投保人姓名和 18 位身份证号码');
    void run(async () => {
      const r = await post<{ codeSentTo: string; codeValidMinutes: number }>('identity', { token, name: name.trim(), idNumber: idNumber.trim() });
      setStep({ at: 'code', sentTo: r.codeSentTo, minutes: r.codeValidMinutes });
    });
  };
  const sendCode = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{4,8}$/.test(code.trim())) return setError('请输入短信中的验证码');
    void run(async () => {
      const r = await post<{ session: string; faceVerification: boolean; disclosures: string[]; questions: { id: string; text: string }[] }>('verify', { token, code: code.trim() });
      setStep({ at: r.faceVerification ? 'face' : 'disclosures', ...r });
    });
  };

  // The signature, drawn with a finger or a mouse.
  const last = useRef<{ x: number; y: number } | undefined>(undefined);
  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * e.currentTarget.width) / r.width, y: ((e.clientY - r.top) * e.currentTarget.height) / r.height };
  };
  const draw = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!last.current) return;
    const ctx = e.currentTarget.getContext('2d')!;
    const p = point(e);
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(last.current.x, last.current.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last.current = p;
    setSigned(true);
  };
  const clear = () => {
    const c = canvas.current!;
    c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    setSigned(false);
  };
  const submit = () => {
    if (step.at !== 'signature') return;
    if (!signed) return setError('请在框内签名');
    void run(async () => {
      const r = await post<{ followUp: boolean }>('submit', { session: step.session, answers, signature: canvas.current!.toDataURL('image/png') });
      sessionStorage.removeItem(TOKEN_KEY);
      setStep({ at: 'done', followUp: r.followUp });
    });
  };

  const callInstead = step.at === 'identity' || step.at === 'code' || step.at === 'face' || step.at === 'disclosures' || step.at === 'questions';
  return (
    <main className="h5" lang="zh-CN">
      <h1>新契约电子化回访</h1>
      {step.at === 'opening' && <p className="note">正在打开…</p>}
      {step.at === 'closed' && <p className="error">{step.why}</p>}
      {step.at === 'identity' && (
        <form onSubmit={sendIdentity} noValidate aria-label="身份核验">
          <p>为保护您的信息，请先核验投保人身份。</p>
          <label>
            投保人姓名
            <input name="name" autoComplete="name" value={name} onChange={(e) => (setError(''), setName(e.target.value))} />
          </label>
          <label>
            身份证号码
            <input name="idNumber" inputMode="text" autoComplete="off" value={idNumber} onChange={(e) => (setError(''), setIdNumber(e.target.value))} />
          </label>
          <button type="submit" disabled={busy}>
            获取验证码
          </button>
        </form>
      )}
      {step.at === 'code' && (
        <form onSubmit={sendCode} noValidate aria-label="短信验证码">
          <p>
            验证码已发送至 {step.sentTo}，{step.minutes} 分钟内有效。
          </p>
          <label>
            验证码
            <input name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => (setError(''), setCode(e.target.value))} />
          </label>
          <button type="submit" disabled={busy}>
            下一步
          </button>
        </form>
      )}
      {step.at === 'face' && (
        <section aria-label="人脸识别">
          <h2>人脸识别</h2>
          <p>请投保人本人正对手机，按提示完成人脸识别。</p>
          <button
            disabled={busy}
            onClick={() =>
              run(async () => {
                // The provider's SDK captures here and answers its session id; this machine has a simulated provider.
                await post('face', { session: step.session, capture: 'simulated-capture' });
                setStep({ ...step, at: 'disclosures' });
              })
            }
          >
            开始人脸识别
          </button>
        </section>
      )}
      {step.at === 'disclosures' && (
        <section aria-label="重要信息">
          <h2>请阅读以下重要信息</h2>
          <ol>
            {step.disclosures.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
          <button onClick={() => setStep({ ...step, at: 'questions' })}>我已阅读，开始回访</button>
        </section>
      )}
      {step.at === 'questions' && (
        <form
          aria-label="回访问卷"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const missing = step.questions.filter((q) => !answers[q.id]).length;
            if (missing) return setError(`还有 ${missing} 个问题未回答`);
            setError('');
            setStep({ ...step, at: 'signature' });
          }}
        >
          {step.questions.map((q, i) => (
            <fieldset key={q.id}>
              <legend>
                {i + 1}. {q.text}
              </legend>
              {ANSWERS.map(([k, v]) => (
                <label key={k} className="inline">
                  <input type="radio" name={q.id} value={k} checked={answers[q.id] === k} onChange={() => (setError(''), setAnswers({ ...answers, [q.id]: k }))} /> {v}
                </label>
              ))}
            </fieldset>
          ))}
          <button type="submit">下一步：签名确认</button>
        </form>
      )}
      {step.at === 'signature' && (
        <section aria-label="签名确认">
          <p>本人已如实回答以上问题。请在框内签名：</p>
          <canvas
            ref={canvas}
            className="signature"
            width={600}
            height={240}
            aria-label="签名框"
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              last.current = point(e);
            }}
            onPointerMove={draw}
            onPointerUp={() => (last.current = undefined)}
          />
          <p>
            <button className="secondary" onClick={clear}>
              重写
            </button>{' '}
            <button onClick={submit} disabled={busy}>
              提交回访
            </button>
          </p>
        </section>
      )}
      {step.at === 'done' && (
        <p className="ok" role="status">
          回访已完成，感谢您的配合。{step.followUp ? '您反映的问题，我们将安排专人跟进处理。' : ''}
        </p>
      )}
      {step.at === 'call' && (
        <p className="ok" role="status">
          好的，我们将在犹豫期内电话联系您。
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {callInstead && (
        <p>
          <button className="link" onClick={askForCall} disabled={busy}>
            改为电话回访
          </button>
        </p>
      )}
    </main>
  );
}
