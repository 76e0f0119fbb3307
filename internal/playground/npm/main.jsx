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
//     "tabs": [{"title": "...", "query": "...", "variables": "{...}", "headers": {...}}] }
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';
import './page.css';

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
// comment of the query (comments do not change the operation or its name).
function queryWithTitle(title, query) {
  const q = query || '';
  const t = (title || '').replace(/\s+/g, ' ').trim();
  if (!t || q.trimStart().startsWith('#')) return q;
  return `# ${t}\n${q}`;
}

// In-memory implementation of the DOM Storage interface: nothing (queries,
// history, and above all the Authorization header) is written to the
// browser's localStorage, and every page load starts from the configuration
// the server rendered.
function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => { m.set(k, String(v)); },
    removeItem: (k) => { m.delete(k); },
    clear: () => { m.clear(); },
    get length() { return m.size; },
    key: (i) => Array.from(m.keys())[i] ?? null,
  };
}

const cfg = readConfig();
const endpoint = typeof cfg.endpoint === 'string' && cfg.endpoint ? cfg.endpoint : '/graphql';
const globalHeaders = cfg.headers && typeof cfg.headers === 'object' ? cfg.headers : {};
const tabs = (Array.isArray(cfg.tabs) ? cfg.tabs : []).map((t) => ({
  query: queryWithTitle(t.title, t.query),
  variables: t.variables || null,
  headers: headersText({ ...globalHeaders, ...(t.headers || {}) }) || null,
}));

const fetcher = createGraphiQLFetcher({ url: endpoint });

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    storage={memoryStorage()}
    defaultTabs={tabs.length ? tabs : undefined}
    defaultHeaders={headersText(globalHeaders)}
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
    showPersistHeadersSettings={false}
  />,
);
