/**
 * The tier-3 handler's day: new transfer orders to dispatch, tickets waiting for replies (due time,
 * overdue), orders to archive, the day's register, waivers to verify, and the office's compliance
 * figures over time.
 */
import { useState } from 'react';
import { download, type Principal } from './api';
import { useLoad } from './hooks';
import { ListHeading } from './ListHeading';
import { ComplianceChart } from './ComplianceChart';
import { TicketDetail } from './TicketDetail';
import { TicketList, type TicketSummary } from './TicketList';
import { WaiverQueue } from './WaiverQueue';

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

const GROUPS: { title: string; stages: string[] }[] = [
  { title: '今日新转办单（待派发）', stages: ['AWAITING_DISPATCH'] },
  { title: '等待回复', stages: ['DISPATCHED', 'WITH_AGENT', 'SIGNED'] },
  { title: '待归档', stages: ['COLLECTED'] },
];

export function Tier3Page({ principal }: { principal: Principal }) {
  const { data, error: loadError, reload: load } = useLoad<{ tickets: TicketSummary[] }>('/v1/tickets');
  const tickets = data?.tickets;
  const [downloadError, setError] = useState('');
  const error = loadError || downloadError;
  const [chosen, setChosen] = useState<string>();
  const [day, setDay] = useState(today);
  const office = principal.office!;
  return (
    <>
      <div className="cols">
        <section>
          {GROUPS.map((g, i) => (
            <div key={g.title}>
              {i === 0 ? <ListHeading title={g.title} error={error} onRefresh={load} /> : <h2>{g.title}</h2>}
              {tickets && <TicketList tickets={tickets.filter((t) => g.stages.includes(t.stage))} chosen={chosen} onChoose={setChosen} />}
            </div>
          ))}
          <h2>业务人员转办单明细簿</h2>
          <label>
            日期
            <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <button
            onClick={() => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? download(`/v1/registers/${office}/${day}.xlsx`, `转办单明细簿-${office}-${day}.xlsx`).catch((e) => setError(e.message)) : setError('请选择日期'))}
          >
            下载明细簿
          </button>
        </section>
        {chosen && <TicketDetail key={chosen} ticketId={chosen} principal={principal} onChanged={load} />}
      </div>
      <WaiverQueue />
      <ComplianceChart office={office} />
    </>
  );
}
