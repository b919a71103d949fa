/**
 * Tier-4 staff and agents: what is theirs to do now first (the tickets whose next step is their
 * role's, most urgent first), then those waiting on someone else; closed ones only when asked for.
 */
import { useState } from 'react';
import type { Principal } from './api';
import { LIST_REFRESH_MS, useLoad } from './hooks';
import { nextStepOf } from './labels';
import { ListHeading } from './ListHeading';
import { TicketDetail } from './TicketDetail';
import { TicketList, type TicketSummary } from './TicketList';

export function TicketsPage({ principal }: { principal: Principal }) {
  const { data, error, reload: load } = useLoad<{ tickets: TicketSummary[] }>('/v1/tickets?limit=1000', LIST_REFRESH_MS);
  const tickets = data?.tickets ?? [];
  const [chosen, setChosen] = useState<string>();
  const [showClosed, setShowClosed] = useState(false);
  const mine = tickets.filter((t) => nextStepOf(t)?.role === principal.role);
  const others = tickets.filter((t) => t.stage !== 'CLOSED' && nextStepOf(t)?.role !== principal.role);
  const closed = tickets.filter((t) => t.stage === 'CLOSED');
  return (
    <div className="cols">
      <section>
        <ListHeading title={`待我处理（${mine.length}）`} error={error} onRefresh={load} />
        {data && <TicketList tickets={mine} chosen={chosen} onChoose={setChosen} empty="现在没有需要您处理的转办件。" />}
        <h2>等待他人处理（{others.length}）</h2>
        {data && <TicketList tickets={others} chosen={chosen} onChoose={setChosen} empty="没有。" />}
        <label className="inline">
          <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> 显示已办结（{closed.length}）
        </label>
        {showClosed && <TicketList tickets={closed} chosen={chosen} onChoose={setChosen} />}
      </section>
      {chosen && <TicketDetail key={chosen} ticketId={chosen} principal={principal} onChanged={load} />}
    </div>
  );
}
