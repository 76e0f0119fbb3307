// The playground's React parts inside GraphiQL: the status line under the
// response (HTTP status and timing of the tab's last answer, or the state of
// its subscription's websocket, and what to do when the token is refused),
// the copy-as-curl dialog in the toolbar, and the watch on the headers
// editor that hands a new token to running subscriptions.
import { useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { Dialog, ToolbarButton, useEditorContext } from '@graphiql/react';
import { answers, curlCommand, operationNameFor, setActiveTab, subscribe, tokenCommand } from './session.js';

function size(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

// subscriptionText is the status of a tab's subscription: the websocket's
// state and how many events arrived (the response pane shows the last).
function subscriptionText({ ws, events, code, reason }) {
  const n = `${events} event${events === 1 ? '' : 's'}`;
  switch (ws) {
    case 'connecting':
      return `WebSocket · connecting · ${n}`;
    case 'connected':
      return events ? `WebSocket · subscribed · ${n}` : 'WebSocket · subscribed, waiting for events';
    default:
      return `WebSocket · closed${code ? ` (${code}${reason ? ` ${reason}` : ''})` : ''} · ${n}`;
  }
}

// SubscriptionHeaders tells the subscriptions (subscriptions.js) each tab's
// headers whenever they hold a JSON object: a token pasted into a tab's
// headers editor reaches its running subscription, whose websocket connects
// again with it. It reads GraphiQL's tab state (updated 100 ms after an
// edit) rather than the editor, which shows another tab's headers as soon
// as a tab is switched.
export function SubscriptionHeaders({ setHeaders }) {
  const { tabs } = useEditorContext({ nonNull: true });
  useEffect(() => {
    for (const tab of tabs) {
      let h;
      try {
        h = tab.headers?.trim() ? JSON.parse(tab.headers) : {};
      } catch {
        continue; // being edited: keep the last good headers
      }
      if (h && typeof h === 'object' && !Array.isArray(h)) setHeaders(tab.id, h);
    }
  }, [tabs, setHeaders]);
  return null;
}

// StatusLine shows the active tab's last answer. It also keeps the fetcher
// told which tab is active, and gives GraphiQL the new tab's operation name
// as soon as a tab opens (GraphiQL itself does it 100 ms later, after a
// click on ▶ may already have sent the previous tab's name). Layout effects
// run before the browser handles the next click.
export function StatusLine() {
  const { tabs, activeTabIndex, queryEditor, setOperationName } = useEditorContext({ nonNull: true });
  const tab = tabs[activeTabIndex];
  const id = tab?.id;
  useLayoutEffect(() => {
    setActiveTab(id);
    if (!queryEditor) return;
    const name = operationNameFor(queryEditor.getValue(), tab?.operationName) ?? null;
    if (name && name !== queryEditor.operationName) setOperationName(name);
  }, [id, queryEditor]); // eslint-disable-line react-hooks/exhaustive-deps
  const a = useSyncExternalStore(subscribe, answers);
  const last = a.byTab.get(id);
  return (
    <div className="playground-status">
      {a.auth && (
        <p className="playground-auth" role="alert">
          {a.auth}
        </p>
      )}
      {last?.ws && (
        <output className="playground-answer playground-subscription" data-ws={last.ws} data-events={last.events} data-seq={last.seq}>
          {subscriptionText(last)}
        </output>
      )}
      {last && !last.ws && (
        <output className="playground-answer" data-status={last.status} data-seq={last.seq}>
          {last.status ? `HTTP ${last.status}${last.statusText ? ` ${last.statusText}` : ''}` : last.statusText}
          {` · ${Math.round(last.ms)} ms · ${size(last.bytes)}`}
          {last.count ? ` · ${last.count} error${last.count > 1 ? 's' : ''}${last.codes.length ? ` (${last.codes.join(', ')})` : ''}` : ''}
        </output>
      )}
    </div>
  );
}

function parseJSON(text, what) {
  if (!text || !text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { problem: `The ${what} are not valid JSON.` };
  }
}

// CopyAsCurl opens a dialog with the active tab's request as a curl command:
// the current query, variables and headers, the token as $TOKEN unless the
// user ticks "include the token".
export function CopyAsCurl({ endpoint }) {
  const { queryEditor, variableEditor, headerEditor } = useEditorContext({ nonNull: true });
  const [open, setOpen] = useState(false);
  const [includeToken, setIncludeToken] = useState(false);
  const [note, setNote] = useState('');
  let cmd = '';
  let problem = '';
  let headers = {};
  if (open && queryEditor) {
    const vars = parseJSON(variableEditor?.getValue(), 'variables');
    const hdrs = parseJSON(headerEditor?.getValue(), 'headers');
    problem = vars.problem || hdrs.problem || '';
    headers = hdrs.value || {};
    if (!problem) {
      cmd = curlCommand({
        url: new URL(endpoint, window.location.href).href,
        query: queryEditor.getValue(),
        variables: vars.value,
        headers,
        operationName: queryEditor.operationName,
        includeToken,
      });
    }
  }
  const copy = () => {
    const done = () => setNote('Copied to the clipboard.');
    const fallback = () => {
      const pre = document.querySelector('.playground-curl');
      if (pre) window.getSelection()?.selectAllChildren(pre);
      setNote('Selected: press Ctrl-C (⌘-C) to copy.');
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(cmd).then(done, fallback);
    else fallback();
  };
  return (
    <>
      <ToolbarButton
        className="playground-curl-button"
        label="Copy as curl"
        onClick={() => {
          setNote('');
          setOpen(true);
        }}
      >
        <span className="playground-curl-icon" aria-hidden="true">curl</span>
      </ToolbarButton>
      <Dialog open={open} onOpenChange={setOpen}>
        <div className="graphiql-dialog-header">
          <Dialog.Title className="graphiql-dialog-title">Copy as curl</Dialog.Title>
          <Dialog.Close />
        </div>
        <div className="graphiql-dialog-section playground-curl-section">
          {problem ? (
            <p role="alert">{problem}</p>
          ) : (
            <>
              <pre className="playground-curl">{cmd}</pre>
              <label>
                <input type="checkbox" checked={includeToken} onChange={(e) => setIncludeToken(e.target.checked)} /> include
                the token
              </label>
              {!includeToken && (
                <p className="playground-curl-hint">
                  Set <code>$TOKEN</code> first: <code>export TOKEN=$({tokenCommand(headers)})</code>, or the token{' '}
                  <code>go run .</code> printed.
                </p>
              )}
              <button type="button" className="graphiql-button playground-curl-copy" onClick={copy}>
                Copy
              </button>{' '}
              <span role="status">{note}</span>
            </>
          )}
        </div>
      </Dialog>
    </>
  );
}
