/**
 * The call center's day: the due calls, most urgent first; the chosen policy's policyholder
 * (decrypted for this user by the API), its questionnaire as the outcome form, and the recording.
 * Below, the branch's unresolved cases, which the call center closes for the branch (结案).
 */
import { useState } from 'react';
import { useLoad } from './hooks';
import { ListHeading } from './ListHeading';
import { CALLBACK_STAGES, lastDay, stageText, when } from './labels';
import { OutcomeForm } from './OutcomeForm';
import { RecordingForm } from './RecordingForm';
import { UNRESOLVED_PATH, UnresolvedList, UnresolvedPanel, type UnresolvedRow } from './UnresolvedCases';

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
  run?: { status: string };
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
  const { data, error, reload: load } = useLoad<{ calls: DueCall[] }>('/v1/calls/due');
  const calls = data?.calls;
  const unresolved = useLoad<{ callbacks: UnresolvedRow[] }>(UNRESOLVED_PATH);
  const [chosen, setChosen] = useState<{ policyNo: string; list: 'calls' | 'unresolved' }>();

  return (
    <div className="cols">
      <section>
        <ListHeading title="今日待回访" error={error} onRefresh={load} />
        {calls && calls.length === 0 && <p className="note">今日没有待回访的保单。</p>}
        <div className="list">
          {calls?.map((c) => (
            <button
              key={c.policyNo}
              className={`item secondary${chosen?.list === 'calls' && c.policyNo === chosen.policyNo ? ' selected' : ''}`}
              style={{ textAlign: 'left' }}
              onClick={() => setChosen({ policyNo: c.policyNo, list: 'calls' })}
            >
              <h3>
                {c.policyNo} <span className="tag">{CALLBACK_STAGES[c.stage]}</span>
              </h3>
              犹豫期至 {lastDay(c.coolingOffEnd)} · 第 {c.attemptCount + 1} 次拨打
              {c.stage === 'AWAITING_CALL' && <> · 计划 {when(c.nextAttemptAt)}</>}
            </button>
          ))}
        </div>
        <UnresolvedList
          rows={unresolved.data?.callbacks}
          error={unresolved.error}
          reload={unresolved.reload}
          chosen={chosen?.list === 'unresolved' ? chosen.policyNo : undefined}
          onChoose={(policyNo) => setChosen({ policyNo, list: 'unresolved' })}
        />
      </section>
      {chosen?.list === 'calls' && <CallPanel key={chosen.policyNo} policyNo={chosen.policyNo} onRecorded={load} />}
      {chosen?.list === 'unresolved' && <UnresolvedPanel key={chosen.policyNo} policyNo={chosen.policyNo} onClosed={unresolved.reload} />}
    </div>
  );
}

function CallPanel({ policyNo, onRecorded }: { policyNo: string; onRecorded: () => void }) {
  const { data: state, error: stateError, reload: load } = useLoad<CallbackState>(`/v1/callbacks/${policyNo}`);
  const { data: holder, error: holderError } = useLoad<Policyholder>(`/v1/callbacks/${policyNo}/policyholder`);
  const error = stateError || holderError;
  const [done, setDone] = useState('');

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
          回访状态：<strong data-testid="stage">{stageText(state)}</strong>
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
