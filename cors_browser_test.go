package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"onboard/internal/demo"
)

// corsFrontEnd is a front-end's page: one button that calls the API at
// api with a token, as a single-page application does, and shows what came
// back (or that the browser blocked it) in #out.
const corsFrontEnd = `<!doctype html>
<meta charset="utf-8"><title>A front-end on another origin</title>
<button id="call">Load the tenant</button>
<pre id="out"></pre>
<script>
const api = %s, token = %s, tenant = %s;
document.getElementById("call").onclick = async () => {
  const out = document.getElementById("out");
  try {
    const r = await fetch(api + "/graphql", {
      method: "POST",
      headers: {
        "Authorization": "Bearer " + token,
        "X-Tenant-ID": tenant,
        "Content-Type": "application/json",
        "X-Request-ID": "cors-browser-1",
        "Idempotency-Key": "cors-browser-key",
      },
      body: JSON.stringify({query: "{ tenant { key } }"}),
    });
    out.textContent = JSON.stringify({status: r.status, requestId: r.headers.get("X-Request-ID"), body: await r.json()});
  } catch (e) {
    out.textContent = JSON.stringify({blocked: String(e)});
  }
};
</script>`

// A page on an origin listed in CORS_ALLOWED_ORIGINS calls the API with
// fetch() and a token and reads the answer and its X-Request-ID; the same
// page on an origin not listed is blocked by the browser. Each origin is
// its own server on 127.0.0.1 (another port is another origin).
func TestCORSFromAnotherOriginInABrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium: looked for chromium, chromium-browser, google-chrome on PATH and /usr/bin/chromium; " +
			"install one (apt-get install -y chromium) to run the browser test")
	}
	var page string // set once the API server has started
	frontEnd := func() *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		}))
		t.Cleanup(s.Close)
		return s
	}
	allowed, denied := frontEnd(), frontEnd()
	s := startServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": allowed.URL})
	if s.token == "" {
		t.Fatalf("no development token printed:\n%s", s.stdout)
	}
	quote := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	page = fmt.Sprintf(corsFrontEnd, quote(s.base), quote(s.token), quote(demo.TenantKey))

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, // --headless
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	// What the browser reports: it says so when CORS blocks a request.
	var mu sync.Mutex
	var reports []string
	if err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			reports = append(reports, ev.Entry.Text)
		case *runtime.EventExceptionThrown:
			reports = append(reports, "exception: "+ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()

	// callFrom opens the page on origin, clicks once and returns what the
	// page shows once the call has ended.
	callFrom := func(origin string) map[string]any {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(origin+"/"), chromedp.Click(chromedp.CSS("#call")))
		var shown string
		if err == nil {
			shown, err = chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById("out").textContent || false`,
				chromedp.WithPollingTimeout(30*time.Second)))
		}
		if err != nil {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("the page on %s: %v\nbrowser: %s", origin, err, strings.Join(reports, "\n"))
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(shown), &got); err != nil {
			t.Fatalf("the page on %s shows %q", origin, shown)
		}
		return got
	}

	got := callFrom(allowed.URL)
	b, _ := json.Marshal(got)
	if got["status"] != 200.0 || got["requestId"] != "cors-browser-1" ||
		!strings.Contains(string(b), `"tenant":{"key":"`+demo.TenantKey+`"}`) {
		t.Fatalf("the page on the allowed origin %s shows %s", allowed.URL, b)
	}

	got = callFrom(denied.URL)
	if blocked, _ := got["blocked"].(string); !strings.Contains(blocked, "TypeError") {
		t.Fatalf("the page on the origin not allowed %s shows %v", denied.URL, got)
	}
	cancelBrowser() // the listener runs in the tab's read loop: stop it before reading
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(reports, "\n")
	if !strings.Contains(all, "from origin '"+denied.URL+"' has been blocked by CORS policy") {
		t.Fatalf("the browser did not report a CORS block for %s:\n%s", denied.URL, all)
	}
	if strings.Contains(all, "from origin '"+allowed.URL+"'") {
		t.Fatalf("the browser blocked the allowed origin:\n%s", all)
	}
}
