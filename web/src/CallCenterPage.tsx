/**
 * The call center's day: calls out now and planned today, most urgent first; calls waiting for their
 * recording (they stay listed until it is in); any policy of the branch by its number. The chosen
 * policy shows its policyholder (decrypted for this user by the API), the attempts so far, the
 * questionnaire as the outcome form, the tickets a call opened, and the recording upload.
 * Below, the branch's unresolved cases, which the call center closes for the branch (结案).
 */
import { useState, type FormEvent } from 'react';
import { api } from './api';
import { LIST_REFRESH_MS, useLoad, useShownWhereLooking } from './hooks';
import { ListHeading } from './ListHeading';
import { CALLBACK_STAGES, OUTCOMES, TICKET_TYPES, lastDay, stageText, when } from './labels';
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
interface Attempt {
  attemptId: string;
  attemptNo: number;
  outcome?: string;
  slot: { start: string; end: string };
  placedAt?: string;
  recordedAt?: string;
  report?: { operator?: string; note?: string };
}
export interface CallbackState {
  policyNo: string;
  stage: string;
  run?: { status: string };
  coolingOff?: { lastDay: string };
  questions?: { id: string; text: string }[];
  attempts: Attempt[];
  tickets?: { ticketId: string; type: string; reasons: string[]; closedAt?: string }[];
  escalation?: { cause: string };
  recording?: { reference: string; verifiedAt: string };
  nextAttemptAt?: string;
}
interface Policyholder {
  name: string;
  phone: string;
  phoneSource: string;
  productCode: string;
  agent: { code: string; name: string };
}

type Chosen = { policyNo: string; list: 'calls' | 'unresolved' };

export function CallCenterPage() {
  const { data, error, reload: load } = useLoad<{ calls: DueCall[] }>('/v1/calls/due', LIST_REFRESH_MS);
  const calls = data?.calls ?? [];
  const unresolved = useLoad<{ callbacks: UnresolvedRow[] }>(UNRESOLVED_PATH, LIST_REFRESH_MS);
  const [chosen, setChosen] = useState<Chosen>();
  const [search, setSearch] = useState('');
  const [searchError, setSearchError] = useState('');

  const find = (e: FormEvent) => {
    e.preventDefault();
    const policyNo = search.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/.test(policyNo)) return setSearchError('请输入保单号（字母、数字或横线）');
    setSearchError('');
    setChosen({ policyNo, list: 'calls' });
  };
  const listOf = (title: string, rows: DueCall[], empty: string) => (
    <>
      <h2>
        {title}（{rows.length}）
      </h2>
      {data && rows.length === 0 && <p className="note">{empty}</p>}
      <div className="list">
        {rows.map((c) => (
          <button
            key={c.policyNo}
            className={`item secondary${chosen?.list === 'calls' && c.policyNo === chosen.policyNo ? ' selected' : ''}`}
            style={{ textAlign: 'left' }}
            onClick={() => setChosen({ policyNo: c.policyNo, list: 'calls' })}
          >
            <h3>
              {c.policyNo} <span className="tag">{CALLBACK_STAGES[c.stage]}</span>
            </h3>
            犹豫期至 {lastDay(c.coolingOffEnd)} · {c.tier4Office}
            {c.stage === 'AWAITING_RECORDING' ? <> · 已拨 {c.attemptCount} 次</> : <> · 第 {c.attemptCount + 1} 次拨打</>}
            {c.stage === 'AWAITING_CALL' && <> · 计划 {when(c.nextAttemptAt)}</>}
          </button>
        ))}
      </div>
    </>
  );

  return (
    <div className="cols">
      <section>
        <form className="filters" role="search" onSubmit={find} noValidate>
          <label>
            按保单号查找
            <input name="policyNo" value={search} onChange={(e) => (setSearchError(''), setSearch(e.target.value))} />
          </label>
          <button type="submit">打开</button>
        </form>
        {searchError && (
          <p className="error" role="alert">
            {searchError}
          </p>
        )}
        <ListHeading title="今日回访" error={error} onRefresh={load} />
        {listOf('正在拨打与今日待拨', calls.filter((c) => c.stage !== 'AWAITING_RECORDING'), '今日没有待回访的保单。')}
        {listOf('待上传录音', calls.filter((c) => c.stage === 'AWAITING_RECORDING'), '没有等待录音的保单。')}
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

/** The stages in which the API shows the call center the policyholder (domain/personal-data-access.ts). */
const CALL_STAGES = new Set(['AWAITING_CALL', 'CALLING', 'AWAITING_RECORDING', 'UNRESOLVED']);

function CallPanel({ policyNo, onRecorded }: { policyNo: string; onRecorded: () => void }) {
  const { data: state, error: stateError, reload: load, setData: setState } = useLoad<CallbackState>(`/v1/callbacks/${policyNo}`);
  const [done, setDone] = useState('');
  const shown = useShownWhereLooking<HTMLElement>();

  const open = state?.stage === 'CALLING' ? state.attempts.at(-1) : undefined;
  const recordedCall = [...(state?.attempts ?? [])].reverse().find((a) => a.outcome === 'completed' || a.outcome === 'refused');
  const takesRecording = state && (state.stage === 'AWAITING_RECORDING' || (state.stage === 'UNRESOLVED' && state.escalation?.cause === 'recording'));

  /** After an outcome: what it led to, naming any ticket it opened and what is next. */
  const outcomeRecorded = async (attemptNo: number, outcome: string) => {
    const before = new Set(state?.tickets?.map((t) => t.ticketId));
    const after = await api<CallbackState>(`/v1/callbacks/${policyNo}`);
    setState(after);
    const opened = (after.tickets ?? []).filter((t) => !before.has(t.ticketId));
    const words = await Promise.all(
      opened.map(async (t) => {
        const detail = await api<{ reasonsInWords?: string }>(`/v1/tickets/${t.ticketId}`).catch(() => undefined);
        return `${TICKET_TYPES[t.type] ?? t.type}单 ${t.ticketId}（${detail?.reasonsInWords ?? t.reasons.join('、')}）`;
      }),
    );
    const next = after.stage === 'AWAITING_RECORDING' ? '请上传本次通话录音' : `回访状态：${CALLBACK_STAGES[after.stage] ?? after.stage}`;
    setDone([`已记录第 ${attemptNo} 次拨打结果：${OUTCOMES[outcome] ?? outcome}`, words.length ? `发现问题，已开${words.join('、')}` : '', next].filter(Boolean).join('；'));
    onRecorded();
  };
  const recordingUploaded = (what: string) => {
    setDone(what);
    load();
    onRecorded();
  };
  return (
    <section className="card" aria-label="回访详情" ref={shown}>
      <h2>保单 {policyNo}</h2>
      {!state && !stateError && <p className="note">正在加载…</p>}
      {stateError && <p className="error">{stateError}</p>}
      {state && CALL_STAGES.has(state.stage) && <PolicyholderLine policyNo={policyNo} />}
      {state && (
        <p>
          回访状态：<strong data-testid="stage">{stageText(state)}</strong>
          {state.coolingOff && <> · 犹豫期至 {state.coolingOff.lastDay}</>}
        </p>
      )}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      {state && state.attempts.length > 0 && <AttemptHistory attempts={state.attempts} />}
      {state?.tickets && state.tickets.length > 0 && (
        <p>
          转办单：
          {state.tickets.map((t) => `${t.ticketId}（${TICKET_TYPES[t.type] ?? t.type}${t.closedAt ? '，已办结' : ''}）`).join('、')}
        </p>
      )}
      {state && open && !open.outcome && <OutcomeForm policyNo={policyNo} attempt={open} questions={state.questions ?? []} onRecorded={outcomeRecorded} />}
      {state?.stage === 'AWAITING_CALL' && <p className="note">下次拨打时间：{when(state.nextAttemptAt)}（到时任务自动下发）</p>}
      {takesRecording && recordedCall && <RecordingForm policyNo={policyNo} attemptId={recordedCall.attemptId} onRecorded={recordingUploaded} />}
      {state?.recording && <p className="note">录音已核验（{when(state.recording.verifiedAt)}）</p>}
    </section>
  );
}

function PolicyholderLine({ policyNo }: { policyNo: string }) {
  const { data: holder, error } = useLoad<Policyholder>(`/v1/callbacks/${policyNo}/policyholder`);
  if (error) return <p className="error">{error}</p>;
  if (!holder) return null;
  return (
    <p>
      投保人 <strong>{holder.name}</strong> · 电话 <strong>{holder.phone}</strong>
      {holder.phoneSource !== 'contract' && <span className="note">（转办件 {holder.phoneSource} 回复的新号码）</span>}
      <br />
      <span className="note">
        产品 {holder.productCode} · 业务人员 {holder.agent.name}（{holder.agent.code}）
      </span>
    </p>
  );
}

function AttemptHistory({ attempts }: { attempts: Attempt[] }) {
  return (
    <table className="attempts" aria-label="拨打记录">
      <thead>
        <tr>
          <th>次数</th>
          <th>时段</th>
          <th>结果</th>
          <th>记录</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={a.attemptId}>
            <td>第 {a.attemptNo} 次</td>
            <td>{when(a.slot.start)} 起</td>
            <td>{a.outcome ? (OUTCOMES[a.outcome] ?? a.outcome) : a.placedAt ? '拨打中' : '待拨'}</td>
            <td>
              {a.recordedAt ? when(a.recordedAt) : '—'}
              {a.report?.operator ? ` · ${a.report.operator}` : ''}
              {a.report?.note ? ` · ${a.report.note}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
