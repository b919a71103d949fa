/**
 * The branch's unresolved cases (待分公司处理): callbacks that went up to the branch (a deadline
 * passed, the fallback was refused, problems stayed unresolved), found by their stage in visibility
 * (GET /v1/callbacks?stage=UNRESOLVED); the chosen one shows why, and the branch closes it with its
 * decision (POST /v1/callbacks/:policyNo/branch-decision). No personal data is needed for this.
 */
import { useState, type FormEvent } from 'react';
import { api } from './api';
import { useLoad, useSubmit } from './hooks';
import { CALLBACK_STAGES, ESCALATION_CAUSES, lastDay, stageText, when } from './labels';
import { ListHeading } from './ListHeading';

export interface UnresolvedRow {
  policyNo: string;
  stage: string;
  coolingOffEnd?: string;
  tier4Office: string;
  agentCode: string;
}
interface UnresolvedState {
  policyNo: string;
  stage: string;
  run?: { status: string };
  escalation?: { at: string; reason: string; cause: string };
  reminders?: { at: string; about: string }[];
  branchDecision?: { reason: string; by: { id: string }; at: string };
}

/** The list's path: the caller's own branch, as the API narrows it. */
export const UNRESOLVED_PATH = '/v1/callbacks?stage=UNRESOLVED';

export function UnresolvedList({ rows, error, reload, chosen, onChoose }: { rows?: UnresolvedRow[]; error: string; reload: () => void; chosen?: string; onChoose: (policyNo: string) => void }) {
  return (
    <>
      <ListHeading title="待分公司处理" error={error} onRefresh={reload} />
      {rows?.length === 0 && <p className="note">没有待分公司处理的保单。</p>}
      <div className="list">
        {rows?.map((c) => (
          <button key={c.policyNo} className={`item secondary${c.policyNo === chosen ? ' selected' : ''}`} style={{ textAlign: 'left' }} onClick={() => onChoose(c.policyNo)}>
            <h3>
              {c.policyNo} <span className="tag overdue">{CALLBACK_STAGES[c.stage] ?? c.stage}</span>
            </h3>
            {c.tier4Office} · 业务人员 {c.agentCode} · 犹豫期至 {lastDay(c.coolingOffEnd)}
          </button>
        ))}
      </div>
    </>
  );
}

export function UnresolvedPanel({ policyNo, onClosed }: { policyNo: string; onClosed: () => void }) {
  const { data: state, error: loadError, reload } = useLoad<UnresolvedState>(`/v1/callbacks/${policyNo}`);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, setError, send } = useSubmit();
  const e = state?.escalation;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    if (!reason.trim()) return setError('请填写结案说明（分公司的处理情况与结案理由）');
    await send(async () => {
      const after = await api<{ stage: string }>(`/v1/callbacks/${policyNo}/branch-decision`, { method: 'POST', body: { reason: reason.trim() } });
      setDone(`已结案；回访状态：${CALLBACK_STAGES[after.stage] ?? after.stage}`);
      reload();
      onClosed();
    });
  }

  return (
    <section className="card" aria-label="待分公司处理详情">
      <h2>保单 {policyNo}</h2>
      {loadError && <p className="error">{loadError}</p>}
      {state && (
        <p>
          回访状态：<strong data-testid="stage">{stageText(state)}</strong>
        </p>
      )}
      {e && (
        <p>
          转交分公司：{when(e.at)} · {ESCALATION_CAUSES[e.cause] ?? e.cause}
          {state?.reminders?.length ? <span className="note">（已提醒 {state.reminders.length} 次）</span> : null}
        </p>
      )}
      {e && (
        <details className="note">
          <summary>系统记录（供运维核查）</summary>
          {e.reason}
        </details>
      )}
      {done && <p className="ok" role="status">{done}</p>}
      {state?.branchDecision && (
        <p className="note">
          结案说明：{state.branchDecision.reason}（{state.branchDecision.by.id}，{when(state.branchDecision.at)}）
        </p>
      )}
      {state?.run?.status === 'UNKNOWN' && (
        <p className="note" role="status">
          流程状态暂时无法确认（回访流程未应答或已不存在），以上为系统最后记录的情况，暂不能结案。
        </p>
      )}
      {state?.stage === 'UNRESOLVED' && state.run?.status === 'RUNNING' && (
        <form onSubmit={submit} noValidate aria-label="分公司结案">
          <label>
            结案说明
            <textarea name="reason" rows={3} value={reason} onChange={(ev) => (setError(''), setReason(ev.target.value))} />
          </label>
          {error && <p className="error" role="alert">{error}</p>}
          <button type="submit" disabled={busy}>
            结案
          </button>
        </form>
      )}
    </section>
  );
}
