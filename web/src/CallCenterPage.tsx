/**
 * The call center's day: the due calls, most urgent first; the chosen policy's policyholder
 * (decrypted for this user by the API), its questionnaire as the outcome form, and the recording.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';
import { CALLBACK_STAGES, lastDay, when } from './labels';
import { OutcomeForm } from './OutcomeForm';
import { RecordingForm } from './RecordingForm';

export interface DueCall {
  policyNo: string;
  stage: string;
  coolingOffEnd?: string;
  nextAttemptAt?: string;
  attemptCount: number;
  tier4Office: string;
  agentCode: string;
}
export interface CallbackState {
  policyNo: string;
  stage: string;
  coolingOff?: { lastDay: string };
  questions?: { id: string; text: string }[];
  attempts: { attemptId: string; attemptNo: number; outcome?: string; slot: { end: string } }[];
  nextAttemptAt?: string;
}
interface Policyholder {
  name: string;
  phone: string;
  phoneSource: string;
  productCode: string;
  agent: { code: string; name: string };
}

export function CallCenterPage() {
  const [calls, setCalls] = useState<DueCall[]>();
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState<string>();

  const load = useCallback(() => {
    api<{ calls: DueCall[] }>('/v1/calls/due').then((r) => setCalls(r.calls), (e) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  return (
    <div className="cols">
      <section>
        <h2>
          今日待回访 <button className="secondary" onClick={load}>刷新</button>
        </h2>
        {error && <p className="error">{error}</p>}
        {calls && calls.length === 0 && <p className="note">今日没有待回访的保单。</p>}
        <div className="list">
          {calls?.map((c) => (
            <button key={c.policyNo} className={`item secondary${c.policyNo === chosen ? ' selected' : ''}`} style={{ textAlign: 'left' }} onClick={() => setChosen(c.policyNo)}>
              <h3>
                {c.policyNo} <span className="tag">{CALLBACK_STAGES[c.stage]}</span>
              </h3>
              犹豫期至 {lastDay(c.coolingOffEnd)} · 第 {c.attemptCount + 1} 次拨打
              {c.stage === 'AWAITING_CALL' && <> · 计划 {when(c.nextAttemptAt)}</>}
            </button>
          ))}
        </div>
      </section>
      {chosen && <CallPanel key={chosen} policyNo={chosen} onRecorded={load} />}
    </div>
  );
}

function CallPanel({ policyNo, onRecorded }: { policyNo: string; onRecorded: () => void }) {
  const [state, setState] = useState<CallbackState>();
  const [holder, setHolder] = useState<Policyholder>();
  const [error, setError] = useState('');
  const [done, setDone] = useState('');

  const load = useCallback(() => {
    api<CallbackState>(`/v1/callbacks/${policyNo}`).then(setState, (e) => setError(e.message));
  }, [policyNo]);
  useEffect(() => {
    load();
    api<Policyholder>(`/v1/callbacks/${policyNo}/policyholder`).then(setHolder, (e) => setError(e.message));
  }, [policyNo, load]);

  const open = state?.stage === 'CALLING' ? state.attempts.at(-1) : undefined;
  const recorded = (what: string) => {
    setDone(what);
    load();
    onRecorded();
  };
  return (
    <section className="card" aria-label="回访详情">
      <h2>保单 {policyNo}</h2>
      {error && <p className="error">{error}</p>}
      {holder && (
        <p>
          投保人 <strong>{holder.name}</strong> · 电话 <strong>{holder.phone}</strong>
          {holder.phoneSource !== 'contract' && <span className="note">（转办件 {holder.phoneSource} 回复的新号码）</span>}
          <br />
          <span className="note">
            产品 {holder.productCode} · 业务人员 {holder.agent.name}（{holder.agent.code}）
          </span>
        </p>
      )}
      {state && (
        <p>
          回访状态：<strong data-testid="stage">{CALLBACK_STAGES[state.stage] ?? state.stage}</strong>
          {state.coolingOff && <> · 犹豫期至 {state.coolingOff.lastDay}</>}
        </p>
      )}
      {done && <p className="ok" role="status">{done}</p>}
      {state && open && !open.outcome && <OutcomeForm policyNo={policyNo} attempt={open} questions={state.questions ?? []} onRecorded={recorded} />}
      {state?.stage === 'AWAITING_CALL' && <p className="note">下次拨打时间：{when(state.nextAttemptAt)}（到时任务自动下发）</p>}
      {state?.stage === 'AWAITING_RECORDING' && <RecordingForm policyNo={policyNo} attemptId={state.attempts.at(-1)?.attemptId ?? policyNo} onRecorded={recorded} />}
    </section>
  );
}
