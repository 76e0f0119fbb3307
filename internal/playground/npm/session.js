// What the playground adds around GraphiQL, without React: the storage it
// reads and writes, the fetcher, the record of each answer, and the shell
// commands it suggests (a fresh token, copy as curl).
import { parse } from 'graphql';
import { getSelectedOperationName } from '@graphiql/toolkit';

// ---------------------------------------------------------------- storage

// GraphiQL's StorageAPI prefixes every key with "graphiql:".
const key = (name) => `graphiql:${name}`;

// Only the history ("queries") and the favourites outlive the page, in
// localStorage. Everything else (tabs, editors, and above all the headers
// with the Authorization token) lives in memory, so each page load opens the
// example tabs the server rendered, with the token it rendered.
const persisted = new Set([key('queries'), key('favorites')]);

// pageStorage is the DOM Storage given to GraphiQL.
//
// firstTab seeds the keys GraphiQL 3.9 fills its first editors from: it takes
// the initial query, variables and headers from storage, not from
// defaultTabs[0] (only the query falls back to the tab). Without this the
// first tab opened with an empty variables editor, and its first run sent
// `variables: null`.
//
// History entries are stored without their Authorization header, and given
// the page's current one (authorization) when read back: a restored entry
// then runs with a token that works, and no token is ever written to disk.
export function pageStorage({ firstTab, authorization }) {
  const mem = new Map();
  if (firstTab) {
    for (const name of ['query', 'variables', 'headers']) {
      if (firstTab[name]) mem.set(key(name), firstTab[name]);
    }
  }
  const local = (() => {
    try {
      return window.localStorage;
    } catch {
      return null; // storage disabled: history lasts as long as the page
    }
  })();
  const mapEntries = (text, fn) => {
    try {
      const doc = JSON.parse(text);
      for (const list of Object.values(doc)) {
        if (Array.isArray(list)) list.forEach((item) => { item.headers = fn(item.headers); });
      }
      return JSON.stringify(doc);
    } catch {
      return null;
    }
  };
  return {
    getItem(k) {
      if (persisted.has(k) && local) {
        const v = local.getItem(k);
        return v === null ? null : mapEntries(v, (h) => withAuthorization(h, authorization));
      }
      return mem.has(k) ? mem.get(k) : null;
    },
    setItem(k, v) {
      if (persisted.has(k) && local) {
        const stripped = mapEntries(String(v), withoutAuthorization);
        if (stripped !== null) local.setItem(k, stripped); // may throw QuotaExceededError: GraphiQL handles it
        return;
      }
      mem.set(k, String(v));
    },
    removeItem(k) {
      if (persisted.has(k) && local) local.removeItem(k);
      mem.delete(k);
    },
    clear() {
      mem.clear();
      if (local) persisted.forEach((k) => local.removeItem(k));
    },
    get length() {
      return mem.size;
    },
    key: (i) => Array.from(mem.keys())[i] ?? null,
  };
}

const isAuthorization = (name) => name.toLowerCase() === 'authorization';

function parseHeaders(text) {
  if (!text) return {};
  try {
    const h = JSON.parse(text);
    return h && typeof h === 'object' && !Array.isArray(h) ? h : null;
  } catch {
    return null;
  }
}

// withoutAuthorization drops the Authorization header from a headers text
// (a text that is not a JSON object is dropped whole: it may hold a token).
export function withoutAuthorization(text) {
  const h = parseHeaders(text);
  if (!h) return null;
  const rest = Object.fromEntries(Object.entries(h).filter(([n]) => !isAuthorization(n)));
  return Object.keys(rest).length ? JSON.stringify(rest, null, 2) : null;
}

function withAuthorization(text, authorization) {
  const h = parseHeaders(text) || {};
  if (!authorization || Object.keys(h).some(isAuthorization)) return text;
  return JSON.stringify({ Authorization: authorization, ...h }, null, 2);
}

// ------------------------------------------------------- operation names

// operationNameFor is the operation a request runs: the one GraphiQL
// selected if the document holds it, else the document's first. GraphiQL 3.9
// updates its selected name 100 ms after the query editor changes, so a run
// right after a tab switch named the previous tab's operation ("operation
// RegisterIndividual not found"). Both the fetcher and copy-as-curl use this.
export function operationNameFor(query, selected) {
  let doc;
  try {
    doc = parse(query);
  } catch {
    return selected || undefined; // the server reports the syntax error
  }
  const ops = doc.definitions.filter((d) => d.kind === 'OperationDefinition');
  return getSelectedOperationName(undefined, selected || undefined, ops) || undefined;
}

// ------------------------------------------------------------ answers

// The last answer of each tab, and the last authentication problem, for the
// status line. Tab ids come from GraphiQL's tab state (see extras.jsx).
const state = { activeTab: null, byTab: new Map(), auth: null, seq: 0 };
const listeners = new Set();
let snapshot = { ...state };

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export const answers = () => snapshot;
export function setActiveTab(id) {
  state.activeTab = id;
}
export const activeTab = () => state.activeTab;
function publish() {
  snapshot = { ...state, byTab: new Map(state.byTab) };
  listeners.forEach((fn) => fn());
}

// recordConnectionAuth sets the authentication problem from a websocket's
// end: the server closes a connection whose connection_init token it
// refuses with 4401 and the reason (TOKEN_EXPIRED, MISSING_TOKEN, …) as the
// close reason, and the status line says what to do as for a 401. An
// accepted connection (code 0 here) clears the problem.
export function recordConnectionAuth(code, reason, headers) {
  const problem = code === 4401 ? authProblem(401, { errors: [{ extensions: { reason } }] }, headers) : null;
  if (code && code !== 4401) return;
  state.auth = problem;
  publish();
}

// recordSubscription records the websocket side of a tab's subscription
// (see subscriptions.js): its connection state ("connecting", "connected",
// "closed" with the close code and reason) and how many events it showed.
export function recordSubscription(tab, { state: ws, events, code = 0, reason = '' }) {
  state.seq += 1;
  state.byTab.set(tab, { seq: state.seq, ws, events, code, reason });
  publish();
}

// errorCodes lists the distinct extensions.code (with reason) of an answer.
function errorCodes(body) {
  const errs = body && typeof body === 'object' && Array.isArray(body.errors) ? body.errors : [];
  const codes = errs.map((e) => [e?.extensions?.code, e?.extensions?.reason].filter(Boolean).join('/')).filter(Boolean);
  return { count: errs.length, codes: [...new Set(codes)] };
}

// authProblem explains a refused token, with the command that mints a new
// one for the same tenants and scopes (read from the refused token itself).
export function authProblem(status, body, headers) {
  if (status !== 401) return null;
  const reasons = (body?.errors || []).map((e) => e?.extensions?.reason);
  const cmd = tokenCommand(headers);
  const fix = `run \`${cmd}\` and paste the new token into the Authorization header (then ⟳ re-fetches the schema), or restart \`go run .\` and reload this page.`;
  if (reasons.includes('TOKEN_EXPIRED')) return `The token has expired: ${fix}`;
  if (reasons.includes('MISSING_TOKEN')) return `No token was sent: ${fix}`;
  return `The token was refused (${reasons.filter(Boolean).join(', ') || 'UNAUTHENTICATED'}): ${fix}`;
}

// createFetcher posts each operation to endpoint and records its status,
// duration, size and error codes. It reads the body as text, so an answer
// that is not JSON (a proxy's error page) is shown as it came.
export function createFetcher(endpoint) {
  return async (params, opts) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts?.headers || {}) };
    const introspection = params.operationName === 'IntrospectionQuery';
    const body = JSON.stringify({ ...params, operationName: operationNameFor(params.query, params.operationName) });
    const tab = state.activeTab;
    const started = performance.now();
    let res, text;
    try {
      res = await fetch(endpoint, { method: 'POST', headers, body, credentials: 'same-origin' });
      text = await res.text();
    } catch (err) {
      if (!introspection) {
        state.seq += 1;
        state.byTab.set(tab, { seq: state.seq, status: 0, statusText: `no answer (${err.message})`, ms: performance.now() - started, bytes: 0, count: 0, codes: [] });
        publish();
      }
      throw err; // GraphiQL shows it in the response pane
    }
    const ms = performance.now() - started;
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      result = text;
    }
    state.auth = authProblem(res.status, result, headers);
    if (!introspection) {
      state.seq += 1;
      state.byTab.set(tab, { seq: state.seq, status: res.status, statusText: res.statusText, ms, bytes: text.length, ...errorCodes(result) });
    }
    publish();
    return result;
  };
}

// ------------------------------------------------------------ commands

// shellQuote quotes s for a POSIX shell (and fish): bare when safe.
export function shellQuote(s) {
  return /^[A-Za-z0-9_.,:/=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function tokenClaims(headers) {
  const auth = Object.entries(headers || {}).find(([n]) => isAuthorization(n))?.[1] || '';
  const payload = auth.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!payload) return {};
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return claims && typeof claims === 'object' ? claims : {};
  } catch {
    return {};
  }
}

// tokenCommand is the command that mints a token like the one in headers:
// its tenants and scopes (the X-Tenant-ID header when it has none).
export function tokenCommand(headers) {
  const claims = tokenClaims(headers);
  const tenantHeader = Object.entries(headers || {}).find(([n]) => n.toLowerCase() === 'x-tenant-id')?.[1];
  const tenants = Array.isArray(claims.tenants) && claims.tenants.length ? claims.tenants.join(',') : tenantHeader || 'TENANT';
  const scope = typeof claims.scope === 'string' && claims.scope ? claims.scope : 'customers:register customers:read';
  return `go run . token --tenant ${shellQuote(tenants)} --scope ${shellQuote(scope)}`;
}

// curlCommand is the request the ▶ button sends, as a curl command. The
// Authorization header's token is written as $TOKEN unless includeToken.
export function curlCommand({ url, query, variables, headers, operationName, includeToken }) {
  const body = { query };
  const opName = operationNameFor(query, operationName);
  if (opName) body.operationName = opName;
  if (variables !== undefined) body.variables = variables;
  const lines = [`curl -sS ${shellQuote(url)}`, `-H ${shellQuote('Content-Type: application/json')}`];
  for (const [name, value] of Object.entries(headers || {})) {
    if (name.toLowerCase() === 'content-type') continue;
    if (isAuthorization(name) && !includeToken) {
      const prefix = /^Bearer\s/i.test(value) ? 'Bearer ' : '';
      lines.push(/^[A-Za-z0-9-]+$/.test(name) ? `-H "${name}: ${prefix}$TOKEN"` : `-H ${shellQuote(`${name}: ${prefix}`)}"$TOKEN"`);
    } else {
      lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
    }
  }
  lines.push(`--data-raw ${shellQuote(JSON.stringify(body))}`);
  return lines.join(' \\\n  ');
}
