// The home page's form (DOM contract: "Mail server", "Port", "Suite", "TLS", "Also send a test
// message", "Recipient (optional)", "Access token", button "Test"; problems in role="alert").
import type { FormEvent } from 'react';
import type { Suite, TlsMode } from '@relayprobe/contracts';
import { app, useApp } from '../../store/use-app.js';
import type { AppState } from '../../store/app-state.js';
import { browserStorage, saveToken } from '../../store/token-storage.js';
import { createProbe, listRecent } from '../../api/probes-api.js';
import { navigate } from '../../router/navigation.js';
import { loadRecent } from '../../shared/load-recent.js';
import { PORT_CHOICES, SUITE_CHOICES, TLS_CHOICES } from './form-options.js';
import { submitForm } from './submit-form.js';
import './probe-form.css';

const selectForm = (s: AppState) => s.form;
const selectAuth = (s: AppState) => s.auth;

/** Submit, then send keyboard users to what needs fixing: the token when the server asked for one, else the field at fault. */
async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
  event.preventDefault();
  await submitForm({ state: app, createProbe, navigate });
  const { form, auth } = app();
  if (form.problem === undefined) return;
  const field = auth.tokenNeeded && auth.token === '' ? 'token' : form.problemField;
  if (field) document.getElementById(field)?.focus();
}

/** The probe form. */
export function ProbeForm() {
  const form = useApp(selectForm);
  const auth = useApp(selectAuth);
  const showToken = auth.tokenNeeded || auth.token !== '';
  const invalid = (field: string) => (form.problem !== undefined && form.problemField === field ? true : undefined);
  const suiteHint = SUITE_CHOICES.find((c) => c.value === form.suite)?.explanation;
  const tlsHint = TLS_CHOICES.find((c) => c.value === form.tls)?.explanation;

  const set = app().setField;
  return (
    <form className="panel probe-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="form-title">
      <h1 id="form-title">Is your mail server an open relay?</h1>
      <p className="intro">
        relayprobe connects the way a spammer would, tries to get the server to accept mail for a domain it does not serve, and shows every command and reply live, then a verdict you can share.
      </p>
      <div className="field">
        <label htmlFor="target">Mail server</label>
        <input
          id="target"
          name="target"
          type="text"
          value={form.target}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="mail.example.com"
          aria-describedby="target-hint"
          aria-invalid={invalid('target')}
          onChange={(e) => set('target', e.target.value)}
        />
        <p id="target-hint" className="hint">
          A host name, IP address, domain (its MX hosts are tested) or e-mail address.
        </p>
      </div>
      <div className="field-row">
        <div className="field port">
          <label htmlFor="port">Port</label>
          <input
            id="port"
            name="port"
            type="text"
            inputMode="numeric"
            list="port-choices"
            value={form.port}
            autoComplete="off"
            aria-describedby="port-hint"
            aria-invalid={invalid('port')}
            onChange={(e) => set('port', e.target.value)}
          />
          <datalist id="port-choices">
            {PORT_CHOICES.map((c) => (
              <option key={c.port} value={c.port} label={`${c.port}: ${c.hint}`} />
            ))}
          </datalist>
          <p id="port-hint" className="hint">
            25, 465 or 587, or type another.
          </p>
        </div>
        <div className="field">
          <label htmlFor="suite">Suite</label>
          <select id="suite" name="suite" value={form.suite} aria-describedby="suite-hint" onChange={(e) => set('suite', e.target.value as Suite)}>
            {SUITE_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.value}: {c.short}
              </option>
            ))}
          </select>
          <p id="suite-hint" className="hint">
            {suiteHint}
          </p>
        </div>
        <div className="field">
          <label htmlFor="tls">TLS</label>
          <select id="tls" name="tls" value={form.tls} aria-describedby="tls-hint" onChange={(e) => set('tls', e.target.value as TlsMode)}>
            {TLS_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <p id="tls-hint" className="hint">
            {tlsHint}
          </p>
        </div>
      </div>
      <div className="check">
        <input id="send-message" name="sendMessage" type="checkbox" checked={form.sendMessage} onChange={(e) => set('sendMessage', e.target.checked)} />
        <label htmlFor="send-message">Also send a test message</label>
      </div>
      {form.sendMessage && (
        <div className="field">
          <label htmlFor="to">Recipient (optional)</label>
          <input
            id="to"
            name="to"
            type="text"
            inputMode="email"
            value={form.to}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="to-hint"
            aria-invalid={invalid('to')}
            onChange={(e) => set('to', e.target.value)}
          />
          <p id="to-hint" className="hint">
            If the server relays, one message goes to this mailbox: use one you control, hosted elsewhere. Nothing is sent unless a relay test is accepted.
          </p>
        </div>
      )}
      {showToken && (
        <div className="field">
          <label htmlFor="token">Access token</label>
          <input
            id="token"
            name="token"
            type="password"
            value={auth.token}
            autoComplete="off"
            aria-describedby="token-hint"
            onChange={(e) => {
              app().setToken(e.target.value);
              saveToken(browserStorage(), e.target.value);
            }}
            onBlur={() => void loadRecent(app, listRecent)}
          />
          <p id="token-hint" className="hint">
            This server starts probes only for people with its token (RELAYPROBE_AUTH_TOKEN). It is kept in this browser.
          </p>
        </div>
      )}
      {form.problem !== undefined && (
        <p className="problem" role="alert">
          {form.problem}
        </p>
      )}
      <div className="submit-row">
        <button type="submit" className="primary" aria-busy={form.submitting}>
          Test
        </button>
        {form.submitting && <span className="hint">Starting…</span>}
      </div>
    </form>
  );
}
