/**
 * One transfer ticket (转办件): its steps with who and when, the printable order, and the next step
 * when it is the signed-in user's to take; the agent's reply form asks what the ticket type needs.
 */
import { useState, type FormEvent } from 'react';
import { useShownWhereLooking } from './hooks';
import { api, download, type Principal } from './api';
import { useLoad, useSubmit } from './hooks';
import type { TicketSummary } from './TicketList';
import { nextStepOf, STEP_LABELS, TICKET_STAGES, TICKET_TYPES, dueBy, when } from './labels';

interface TicketState extends Omit<TicketSummary, 'tier4Office' | 'startedAt'> {
  org: { tier4Office: string };
  finding?: string;
  findingInWords?: string;
  steps: { step: string; actor: { role: string; id: string }; at: string; note?: string }[];
}

export function TicketDetail({ ticketId, principal, onChanged }: { ticketId: string; principal: Principal; onChanged: () => void }) {
  const { data: ticket, setData: setTicket, error: loadError } = useLoad<TicketState>(`/v1/tickets/${ticketId}`);
  const { busy, error: sendError, setError, send } = useSubmit();
  const error = loadError || sendError;
  const [done, setDone] = useState('');
  const [reply, setReply] = useState('');

  const next = ticket && nextStepOf(ticket);
  const mine = next && next.role === principal.role ? next.step : undefined;
  const phoneReply = ticket?.type === 'failed-callback';

  async function take(e: FormEvent) {
    e.preventDefault();
    if (!mine || !ticket) return;
    const body: Record<string, string> = { step: mine };
    if (mine === 'reply') {
      const text = reply.trim();
      if (phoneReply && !/^1\d{10}$/.test(text)) return setError('请填写客户正确的 11 位手机号码');
      if (!phoneReply && !text) return setError('请填写处理情况');
      body[phoneReply ? 'correctedPhone' : 'actionTaken'] = text;
    }
    await send(async () => {
      const after = await api<TicketState>(`/v1/tickets/${ticketId}/steps`, { method: 'POST', body });
      setTicket(after);
      setReply('');
      setDone(`已${STEP_LABELS[mine]}；转办件状态：${TICKET_STAGES[after.stage]}`);
      onChanged();
    });
  }

  const shown = useShownWhereLooking<HTMLElement>();
  return (
    <section className="card" aria-label="转办件详情" ref={shown}>
      <h2>转办件 {ticketId}</h2>
      {!ticket && !error && <p className="note">正在加载…</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {done && <p className="ok" role="status">{done}</p>}
      {ticket && (
        <>
          <p>
            保单 {ticket.policyNo} · {TICKET_TYPES[ticket.type]} · 状态 <strong data-testid="ticket-stage">{TICKET_STAGES[ticket.stage]}</strong>
            {ticket.dueAt && <> · 回复时限 {dueBy(ticket.dueAt)}</>} {ticket.overdue && <span className="tag overdue">已超时</span>}
          </p>
          <p>
            四级机构 {ticket.org.tier4Office} · 业务人员 {ticket.agentCode}
          </p>
          {(ticket.findingInWords || ticket.reasonsInWords) && <p data-testid="finding">回访发现：{ticket.findingInWords ?? ticket.reasonsInWords}</p>}
          <ol>
            {ticket.steps.map((s) => (
              <li key={s.step + s.at}>
                {STEP_LABELS[s.step] ?? s.step} · {s.actor.id} · {when(s.at)}
              </li>
            ))}
          </ol>
          <button className="secondary" onClick={() => download(`/v1/tickets/${ticketId}/order.html`, `转办单-${ticketId}.html`).catch((e) => setError(e.message))}>
            下载转办单
          </button>
          {mine && (
            <form onSubmit={take} noValidate aria-label={STEP_LABELS[mine]}>
              {mine === 'reply' && (
                <label>
                  {phoneReply ? '客户正确的手机号码' : '处理情况'}
                  {phoneReply ? (
                    <input name="correctedPhone" inputMode="numeric" value={reply} onChange={(e) => (setError(''), setReply(e.target.value))} />
                  ) : (
                    <textarea name="actionTaken" rows={3} maxLength={2000} value={reply} onChange={(e) => (setError(''), setReply(e.target.value))} />
                  )}
                </label>
              )}
              <button type="submit" disabled={busy}>
                {STEP_LABELS[mine]}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
