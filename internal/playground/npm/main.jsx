// Entry point bundled by ../build.sh into ../assets/graphiql.js (+ graphiql.css).
//
// The page served by the Go handler contains
//   <script type="application/json" id="graphiql-config">{...}</script>
//   <div id="graphiql"></div>
// and loads this bundle with <script src>. The configuration is read from the
// JSON data block (never executed), so the Content-Security-Policy can forbid
// inline scripts. Shape of the configuration (see playground.go):
//   { "endpoint": "/graphql",
//     "headers": {"Authorization": "Bearer ..."},
//     "tabs": [{"title": "...", "description": "...", "query": "...", "variables": "{...}", "headers": {...}}] }
//
// Besides GraphiQL itself the page adds, all offline: history kept across
// reloads (without the token), the HTTP status and timing of each answer, a
// message with the command for a fresh token when the token is refused, and
// a copy-as-curl dialog, and subscriptions over a websocket at the same
// endpoint with the same token (subscriptions.js). The pure rules behind
// them are in session.js.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './page.css';
import { pageStorage, createFetcher, activeTab } from './session.js';
import { createSubscriptions, isSubscription, subscriptionURL } from './subscriptions.js';
import { CopyAsCurl, StatusLine, SubscriptionHeaders } from './extras.jsx';

function readConfig() {
  const el = document.getElementById('graphiql-config');
  if (!el) return {};
  try {
    const cfg = JSON.parse(el.textContent || '{}');
    return cfg && typeof cfg === 'object' ? cfg : {};
  } catch (err) {
    console.error('playground: invalid configuration JSON', err);
    return {};
  }
}

// Headers are edited as a JSON object in GraphiQL's headers editor.
function headersText(obj) {
  if (!obj || typeof obj !== 'object' || Object.keys(obj).length === 0) return '';
  return JSON.stringify(obj, null, 2);
}

// GraphiQL 3 names a tab after the operation name in its query and offers no
// way to set a title. The configured title is therefore shown as a leading
// comment of the query (comments do not change the operation or its name),
// and the description, if any, as comment lines below it, wrapped.
function queryWithTitle(title, description, query) {
  const q = query || '';
  const t = (title || '').replace(/\s+/g, ' ').trim();
  if (q.trimStart().startsWith('#')) return q;
  const lines = t ? [t] : [];
  let line = '';
  for (const word of (description || '').split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > 56) { // the query editor's width beside the response
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? `${lines.map((l) => `# ${l}`).join('\n')}\n${q}` : q;
}

const cfg = readConfig();
const endpoint = typeof cfg.endpoint === 'string' && cfg.endpoint ? cfg.endpoint : '/graphql';
const globalHeaders = cfg.headers && typeof cfg.headers === 'object' ? cfg.headers : {};
const tabs = (Array.isArray(cfg.tabs) ? cfg.tabs : []).map((t) => ({
  query: queryWithTitle(t.title, t.description, t.query),
  variables: t.variables || null,
  headers: headersText({ ...globalHeaders, ...(t.headers || {}) }) || null,
}));

// Queries and mutations are POSTed (createFetcher); subscriptions go over a
// websocket at the same endpoint, authenticated by the tab's headers.
const httpFetcher = createFetcher(endpoint);
const subscriptions = createSubscriptions({
  url: subscriptionURL(endpoint, window.location.href),
  tabOf: activeTab,
});
const fetcher = (params, opts) =>
  isSubscription(params.query, params.operationName) ? subscriptions.fetcher(params, opts) : httpFetcher(params, opts);

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    storage={pageStorage({ firstTab: tabs[0], authorization: globalHeaders.Authorization })}
    defaultTabs={tabs.length ? tabs : undefined}
    defaultHeaders={headersText(globalHeaders)}
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
    showPersistHeadersSettings={false}
    toolbar={{ additionalComponent: () => <CopyAsCurl endpoint={endpoint} /> }}
  >
    <GraphiQL.Footer>
      <SubscriptionHeaders setHeaders={subscriptions.setHeaders} />
      <StatusLine />
    </GraphiQL.Footer>
  </GraphiQL>,
);
