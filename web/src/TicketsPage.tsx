/** Tier-4 staff and agents: their tickets (an agent sees only its own), and the step that is theirs. */
import { useCallback, useEffect, useState } from 'react';
import { api, type Principal } from './api';
import { TicketDetail } from './TicketDetail';
import { TicketList, type TicketSummary } from './TicketList';

export function TicketsPage({ principal }: { principal: Principal }) {
  const [tickets, setTickets] = useState<TicketSummary[]>();
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState<string>();
  const load = useCallback(() => {
    api<{ tickets: TicketSummary[] }>('/v1/tickets').then((r) => setTickets(r.tickets), (e) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  return (
    <div className="cols">
      <section>
        <h2>
          我的转办件 <button className="secondary" onClick={load}>刷新</button>
        </h2>
        {error && <p className="error">{error}</p>}
        {tickets && <TicketList tickets={tickets} chosen={chosen} onChoose={setChosen} />}
      </section>
      {chosen && <TicketDetail key={chosen} ticketId={chosen} principal={principal} onChanged={load} />}
    </div>
  );
}
