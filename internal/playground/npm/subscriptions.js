// Subscriptions over a websocket (graphql-transport-ws, the protocol of
// graphql-ws and of gqlgen's websocket transport) at the GraphQL endpoint,
// for the playground: the URL is the page's own origin with ws:// or wss://
// (the CSP's connect-src 'self' allows exactly that), and the connection's
// connection_init payload carries the tab's headers, so the Authorization
// the HTTP requests send authenticates the websocket too.
//
// Each GraphiQL tab has a client of its own (tabs may carry different tokens
// or tenants, and a socket authenticates once, at connect). A client is lazy:
// it opens its socket for the tab's first subscription and closes it when the
// last one ends. When the tab's headers change while its socket is open (a
// fresh token pasted into the headers editor), the socket is closed and
// opened again at once with the new headers, and the running subscription
// is subscribed again on it: it goes on with the new token instead of
// failing when the old one expires.
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { operationNameFor, recordConnectionAuth, recordSubscription } from './session.js';

// subscriptionURL is endpoint (a path on the page's origin) as a websocket
// URL: wss:// for a page served over https, ws:// otherwise.
export function subscriptionURL(endpoint, pageHref) {
  const u = new URL(endpoint, pageHref);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.hash = '';
  return u.href;
}

// isSubscription reports whether the operation a request runs (see
// operationNameFor) is a subscription. A document that does not parse is
// not: the HTTP endpoint reports its syntax error.
export function isSubscription(query, selected) {
  let doc;
  try {
    doc = parse(query);
  } catch {
    return false;
  }
  const name = operationNameFor(query, selected);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition' && (name === undefined || d.name?.value === name));
  return op?.operation === 'subscription';
}

// isCloseEvent: a websocket close event (or graphql-ws's own "Terminated").
function isCloseEvent(ev) {
  return !!ev && typeof ev === 'object' && 'code' in ev && 'reason' in ev;
}

// sameParams compares two connection payloads (header objects).
function sameParams(a, b) {
  return JSON.stringify(a || {}) === JSON.stringify(b || {});
}

// Close codes after which connecting again cannot help: the server refused
// the connection (a bad or expired token is 4401/4403 or a 44xx of the
// protocol). graphql-ws would retry 4403 five times over some 45 s before
// the tab showed the refusal; the playground shows it at once instead.
// 4499 is the client's own "Terminated", used below to reconnect.
const refused = (code) => code >= 4400 && code < 4500 && code !== 4499;

// createSubscriptions returns the fetcher GraphiQL calls for subscriptions,
// and setHeaders, which the page calls when a tab's headers editor changes.
// tabOf() names the tab a request comes from.
export function createSubscriptions({ url, tabOf }) {
  const tabs = new Map(); // tab id -> { client, params, sent, open, reconnecting, events }

  function entryFor(tab) {
    let e = tabs.get(tab);
    if (e) return e;
    e = { params: {}, sent: null, open: false, reconnecting: false, events: 0 };
    e.client = createClient({
      url,
      // Called at every connect: a reconnect sends the current headers.
      connectionParams: () => {
        e.sent = e.params;
        return e.params;
      },
      retryAttempts: 5,
      // graphql-ws retries a lost connection (a close event), never a
      // socket that failed to open (an error event); the playground also
      // does not retry a refusal.
      shouldRetry: (ev) => isCloseEvent(ev) && !refused(ev.code),
      // A reconnect asked for by setHeaders goes at once; a lost connection
      // waits as graphql-ws does by default (2^n s plus 0.3–3 s).
      retryWait: async (retries) => {
        if (e.reconnecting) {
          e.reconnecting = false;
          return;
        }
        const ms = 2 ** retries * 1000 + Math.floor(Math.random() * 2700 + 300);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
      on: {
        connecting: () => recordSubscription(tab, { state: 'connecting', events: e.events }),
        connected: () => {
          e.open = true;
          recordConnectionAuth(0, '', e.sent);
          recordSubscription(tab, { state: 'connected', events: e.events });
        },
        closed: (ev) => {
          e.open = false;
          const code = isCloseEvent(ev) ? ev.code : 0;
          if (code === 4401) recordConnectionAuth(code, ev.reason, e.sent);
          recordSubscription(tab, { state: 'closed', events: e.events, code, reason: ev?.reason || '' });
        },
      },
    });
    tabs.set(tab, e);
    return e;
  }

  // readable turns what a failed subscription throws into what GraphiQL
  // shows: a close event or a failed socket into an Error that says so
  // (GraphiQL would show an event as {"isTrusted": true}); the server's
  // GraphQL errors (an array) and Errors pass through.
  function readable(err) {
    if (isCloseEvent(err)) {
      return new Error(`The websocket to ${url} closed: ${err.code}${err.reason ? ` ${err.reason}` : ''}`);
    }
    if (err && typeof err === 'object' && err.type === 'error' && !(err instanceof Error)) {
      return new Error(`The websocket to ${url} could not be opened (is the server running, and does it serve subscriptions?)`);
    }
    return err;
  }

  // counted passes the subscription's results through, counting them for
  // the status line. It is a plain iterator, not an async generator:
  // GraphiQL's stop button calls return() while next() is pending, and a
  // generator would queue that return until the next event arrived.
  // (@graphiql/toolkit's websocket fetcher is not used: it leaves a
  // rejected promise unhandled on every failed subscription, and with
  // subscriptionUrl it opens a client per run, so a token pasted while a
  // subscription runs would not reach it.)
  function counted(e, tab, it) {
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        let r;
        try {
          r = await it.next();
        } catch (err) {
          throw readable(err);
        }
        if (!r.done) {
          e.events += 1;
          recordSubscription(tab, { state: 'connected', events: e.events });
        }
        return r;
      },
      return: (v) => (it.return ? it.return(v) : Promise.resolve({ done: true, value: v })),
      throw: (err) => (it.throw ? it.throw(err) : Promise.reject(err)),
    };
  }

  function setHeaders(tab, headers) {
    const e = tabs.get(tab);
    if (!e || sameParams(e.params, headers)) {
      if (e) e.params = headers || {};
      return;
    }
    e.params = headers || {};
    if (e.open && !sameParams(e.sent, e.params)) {
      // terminate() closes the socket as 4499, which graphql-ws retries:
      // it connects again with connectionParams() and subscribes again.
      e.reconnecting = true;
      e.client.terminate();
    }
  }

  async function fetcher(params, opts) {
    const tab = tabOf();
    const e = entryFor(tab);
    setHeaders(tab, opts?.headers || {});
    e.events = 0;
    const operationName = operationNameFor(params.query, params.operationName);
    recordSubscription(tab, { state: e.open ? 'connected' : 'connecting', events: 0 });
    return counted(e, tab, e.client.iterate({ ...params, operationName }));
  }

  return { fetcher, setHeaders };
}
