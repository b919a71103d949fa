/** The staff pages: sign in, then the page of the signed-in user's role; and the policyholder's e-callback page. */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { savedSession, saveSession, type Session } from './api';
import { CallCenterPage } from './CallCenterPage';
import { ECallbackPage } from './ECallbackPage';
import { ROLE_LABELS } from './labels';
import { SignInPage } from './SignInPage';
import { Tier3Page } from './Tier3Page';
import { TicketsPage } from './TicketsPage';
import { WaiverReportForm } from './WaiverReportForm';
import './styles.css';

function App() {
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const signOut = () => {
    saveSession(undefined);
    setSession(undefined);
  };
  if (!session) return <SignInPage onSignedIn={(s) => (saveSession(s), setSession(s))} />;
  const { principal } = session;
  return (
    <>
      <header className="bar">
        <strong>新契约回访工作台</strong>
        <span className="who">
          {ROLE_LABELS[principal.role]} · {principal.id}
          {principal.office ? ` · ${principal.office}` : ''}
        </span>
        <button className="link" onClick={signOut}>
          退出
        </button>
      </header>
      <main>
        {principal.role === 'call-center' && <CallCenterPage />}
        {principal.role === 'tier3' && <Tier3Page principal={principal} />}
        {(principal.role === 'tier4' || principal.role === 'agent') && (
          <>
            <TicketsPage principal={principal} />
            <WaiverReportForm />
          </>
        )}
        {(principal.role === 'issuance' || principal.role === 'ops') && <p className="note">此角色没有工作页面：请使用 Temporal Web UI 或 API。</p>}
      </main>
    </>
  );
}

/** /app/e is the policyholder's e-callback page; everything else under /app/ is the staff's. */
const policyholderPage = /\/app\/e\/?$/.test(location.pathname);

createRoot(document.getElementById('root')!).render(<StrictMode>{policyholderPage ? <ECallbackPage /> : <App />}</StrictMode>);
