/**
 * The tier-3 handler's waivers to verify (免回访申请): look at the signed statement, then accept, or
 * reject with the reason the reporter must fix (POST /v1/callbacks/:policyNo/waiver/decision).
 */
import { useState } from 'react';
import { api, download } from './api';
import { useLoad, useSubmit } from './hooks';
import { CALLBACK_STAGES, lastDay, when } from './labels';
import { ListHeading } from './ListHeading';

interface PendingWaiver {
  policyNo: string;
  tier4Office: string;
  agentCode: string;
  stage: string;
  coolingOffEndsAt?: string;
  statementRef: string;
  reportedBy: { role: string; id: string };
  reportedAt: string;
  note?: string;
}

export function WaiverQueue() {
  const { data, error, reload } = useLoad<{ waivers: PendingWaiver[] }>('/v1/waivers/pending');
  return (
    <section>
      <ListHeading title="待审核免回访" error={error} onRefresh={reload} />
      {data?.waivers.length === 0 && <p className="note">没有待审核的免回访申请。</p>}
      <div className="list">
        {data?.waivers.map((w) => <WaiverItem key={w.policyNo} waiver={w} onDecided={reload} />)}
      </div>
    </section>
  );
}

function WaiverItem({ waiver: w, onDecided }: { waiver: PendingWaiver; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, error, setError, send } = useSubmit();
  const decide = (accepted: boolean) => {
    if (!accepted && !reason.trim()) return setError('驳回须填写原因，以便申请人补正');
    void send(async () => {
      await api(`/v1/callbacks/${w.policyNo}/waiver/decision`, { method: 'POST', body: accepted ? { accepted } : { accepted, reason: reason.trim() } });
      onDecided();
    });
  };
  return (
    <div className="item" aria-label={`免回访 ${w.policyNo}`}>
      <h3>
        {w.policyNo} <span className="tag">{CALLBACK_STAGES[w.stage] ?? w.stage}</span>
      </h3>
      {w.tier4Office} · 业务人员 {w.agentCode} · 申请人 {w.reportedBy.id} · {when(w.reportedAt)} · 犹豫期至 {lastDay(w.coolingOffEndsAt)}
      {w.note && <p className="note">{w.note}</p>}
      <p>
        <button className="secondary" onClick={() => download(`/v1/documents/${w.statementRef}`, w.statementRef.split('/').pop()!).catch((e) => setError(e.message))}>
          查看签字声明书
        </button>
      </p>
      <label>
        驳回原因
        <input name="reason" value={reason} onChange={(e) => (setError(''), setReason(e.target.value))} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button disabled={busy} onClick={() => decide(true)}>
        同意免回访
      </button>{' '}
      <button className="secondary" disabled={busy} onClick={() => decide(false)}>
        驳回
      </button>
    </div>
  );
}
