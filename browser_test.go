package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"onboard/internal/auth"
	"onboard/internal/config"
	"onboard/internal/demo"
	"onboard/internal/playground"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// chromium finds a Chromium or Chrome binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// sameOrigin reports whether raw is on origin, or inline data that loads
// nothing (data:, blob:).
func sameOrigin(raw string, origin *url.URL) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "data" || u.Scheme == "blob" {
		return true
	}
	// A websocket of the page's origin: ws:// beside http://, wss:// beside https://.
	if ws := map[string]string{"http": "ws", "https": "wss"}[origin.Scheme]; u.Scheme == ws {
		return u.Host == origin.Host
	}
	return u.Scheme == origin.Scheme && u.Host == origin.Host
}

// browser is one headless Chromium with a profile of its own (nothing
// stored from an earlier run), recording what the page requests from other
// origins and what its console reports.
type browser struct {
	ctx    context.Context
	origin *url.URL

	mu      sync.Mutex
	foreign []string
	console []string
	wsSent  []string // text frames the page sent on its websockets
}

// sentFrames counts the websocket text frames the page has sent that hold
// each of parts.
func (b *browser) sentFrames(parts ...string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, f := range b.wsSent {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(f, p)
		}
		if all {
			n++
		}
	}
	return n
}

// waitFrames waits until the page has sent n websocket frames holding
// parts, at most 10 s.
func (b *browser) waitFrames(t *testing.T, what string, n int, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for b.sentFrames(parts...) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: the page did not send it\n%s", what, b.explain())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newBrowser starts Chromium (or skips the test without one) for pages on
// base. The browser stops when the test ends; the test fails then if a page
// requested another origin: the playground must work offline.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium: looked for chromium, chromium-browser, google-chrome on PATH and /usr/bin/chromium; " +
			"install one (apt-get install -y chromium) to run the browser test")
	}
	b := &browser{}
	b.origin, _ = url.Parse(base)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()), // a fresh profile: no history, no storage
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Listen starts the browser, on a context without a deadline (one would
	// stop the browser); each step below gets its own.
	err := chromedp.Listen(bctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !sameOrigin(ev.Request.URL, b.origin) {
				b.foreign = append(b.foreign, ev.Request.URL)
			}
		case *network.EventWebSocketCreated:
			if !sameOrigin(ev.URL, b.origin) {
				b.foreign = append(b.foreign, "websocket "+ev.URL)
			}
		case *network.EventWebSocketFrameSent:
			if ev.Response != nil && ev.Response.Opcode == 1 {
				b.wsSent = append(b.wsSent, string(ev.Response.PayloadData))
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.console = append(b.console, string(ev.Type)+": "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			// A request the Content-Security-Policy blocked never reaches
			// the network events; the browser reports it here.
			if strings.Contains(ev.Entry.Text, "Content Security Policy") {
				b.foreign = append(b.foreign, "blocked by the CSP: "+ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			b.console = append(b.console, "exception: "+ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting %s: %v", bin, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	b.ctx = ctx
	t.Cleanup(func() {
		cancel()
		// Stop the browser before reading what the listener collected:
		// the listener runs in the tab's read loop.
		cancelBrowser()
		cancelAlloc()
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.foreign) > 0 {
			t.Errorf("the page requested other origins than %s:\n%s", base, strings.Join(slices.Compact(b.foreign), "\n"))
		}
	})
	return b
}

// do runs browser actions; on failure the test stops with the page's text
// and console.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b.explain())
	}
}

// eval evaluates expr in the page once.
func eval[T any](t *testing.T, b *browser, what, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b.explain())
	}
	return v
}

// poll evaluates expr until it returns something other than false, at most
// for a person's patience: it waits for the page, it never clicks again.
func poll[T any](t *testing.T, b *browser, what, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s: %v\n%s", what, err, b.explain())
	}
	return v
}

func (b *browser) explain() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	b.mu.Lock()
	defer b.mu.Unlock()
	return fmt.Sprintf("page text: %.3000s\nconsole: %s", text, strings.Join(b.console, "\n"))
}

const (
	execute = `button.graphiql-execute-button`
	// ready: the four editors exist and the query editor shows the tab.
	editorsReady = `document.querySelectorAll(".graphiql-container .CodeMirror").length >= 4 &&
		(document.querySelector(".graphiql-query-editor .CodeMirror") || {}).CodeMirror?.getValue() !== ""`
	// response: the response editor's whole text (CodeMirror renders only
	// the lines in view, so innerText would not do) once an answer is in.
	response = `(() => {
		const cm = document.querySelector(".graphiql-response .CodeMirror");
		if (!cm || document.querySelector(".graphiql-response .graphiql-spinner")) return false;
		return cm.CodeMirror.getValue() || false;
	})()`
	responseNow = `document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue()`
	// answerLine: the status line of the active tab's answer.
	answerLine = `(document.querySelector(".playground-answer") || {}).textContent || false`
)

// tabButton is the XPath of the tab GraphiQL labels with an operation name.
func tabButton(name string) string {
	return fmt.Sprintf(`//button[contains(@class,"graphiql-tab-button")][normalize-space(.)=%q]`, name)
}

// runTab does what a person does to run an example: opens its tab (unless
// it is the one open), clicks ▶ once, and reads the answer and its status
// line. The tab's response pane must be empty before the click, so the
// text read is this click's answer.
func (b *browser) runTab(t *testing.T, name string, open bool) (answer map[string]any, raw, status string) {
	t.Helper()
	if open {
		b.do(t, "opening the tab "+name, chromedp.Click(tabButton(name)))
	}
	before := eval[string](t, b, "reading the response pane of "+name, responseNow)
	if before != "" {
		t.Fatalf("%s: the response pane is not empty before ▶:\n%s", name, before)
	}
	b.do(t, "clicking ▶ in "+name, chromedp.Click(chromedp.CSS(execute)))
	raw = poll[string](t, b, name+"'s answer", response)
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		t.Fatalf("%s: the answer is not JSON: %v\n%s", name, err, raw)
	}
	if errs, ok := answer["errors"]; ok {
		t.Fatalf("%s answered errors on its first ▶: %v\n%s", name, errs, raw)
	}
	status = poll[string](t, b, name+"'s status line", answerLine)
	if !regexp.MustCompile(`^HTTP 200 .*· \d+ ms · [0-9.]+ k?B`).MatchString(status) {
		t.Errorf("%s: status line %q, want HTTP 200 with the time and size", name, status)
	}
	return answer, raw, status
}

var customerID = regexp.MustCompile(`^cus_[0-9A-Za-z]+$`)

// The newcomer's first minutes, in a real browser on a fresh profile: the
// development server opens GraphiQL with the demo token filled in, and each
// example tab, run in order with one click on ▶ as soon as it opens, gives
// its answer: the registrations' customer ids, the list holding both, the
// category tree, the statistics; the subscription tab, run once, shows the
// event of a registration made meanwhile. Then the history survives a reload without
// the token, and copy-as-curl gives a command that answers the same.
//
// Set SCREENSHOT=path.png to save the page after the first click (the
// README's internal/playground/screenshot.png is made so).
func TestPlaygroundFirstClicksInABrowser(t *testing.T) {
	if chromium() == "" {
		newBrowser(t, "") // skips
	}
	dataDir := t.TempDir()
	s := startServer(t, map[string]string{"DATA_DIR": dataDir})
	if s.token == "" {
		t.Fatalf("no development token printed:\n%s", s.stdout)
	}
	b := newBrowser(t, s.base)
	started := time.Now()
	b.do(t, "opening the playground",
		chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(tabButton("RegisterIndividual")),
		chromedp.WaitVisible(chromedp.CSS(execute)),
	)
	poll[bool](t, b, "the editors", editorsReady)

	// The first tab is open: ▶ at once.
	reg, _, _ := b.runTab(t, "RegisterIndividual", false)
	individual, _ := testutil.Dig(reg, "data", "registerIndividual", "customer", "id").(string)
	category, _ := testutil.Dig(reg, "data", "registerIndividual", "customer", "category", "code").(string)
	if !customerID.MatchString(individual) || category == "" {
		t.Fatalf("RegisterIndividual: no customer id and category in %v", reg)
	}
	t.Logf("page load to the first registered customer: %v", time.Since(started).Round(time.Millisecond))
	if path := os.Getenv("SCREENSHOT"); path != "" {
		saveScreenshot(t, b.ctx, path)
	}

	org, _, _ := b.runTab(t, "RegisterOrganization", true)
	organization, _ := testutil.Dig(org, "data", "registerOrganization", "customer", "id").(string)
	if !customerID.MatchString(organization) {
		t.Fatalf("RegisterOrganization: no customer id in %v", org)
	}

	// The onboarding tab activates the customer the development server
	// keeps pending for it, on its first click.
	onboarded, _, _ := b.runTab(t, "OnboardToActive", true)
	active, _ := testutil.Dig(onboarded, "data", "activate", "customer", "id").(string)
	if status := testutil.Dig(onboarded, "data", "activate", "customer", "status"); !customerID.MatchString(active) || status != "ACTIVE" {
		t.Fatalf("OnboardToActive: want its customer ACTIVE, got %v", onboarded)
	}

	// The subscription tab shows the events of customers registered
	// meanwhile, by another client, before and after a new token.
	watched := watchEvents(t, b, s, dataDir)

	list, customersRaw, _ := b.runTab(t, "Customers", true)
	var ids []string
	edges, _ := testutil.Dig(list, "data", "customers", "edges").([]any)
	for i := range edges {
		id, _ := testutil.Dig(edges[i], "node", "id").(string)
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want := append([]string{individual, organization, active}, watched...)
	slices.Sort(want)
	if total := testutil.Dig(list, "data", "customers", "totalCount"); total != 5.0 || !slices.Equal(ids, want) {
		t.Errorf("Customers: totalCount %v, ids %v, want the two registered, the onboarded and the watched %v", total, ids, want)
	}

	tree, _, _ := b.runTab(t, "CategoryTree", true)
	if !strings.Contains(fmt.Sprint(testutil.Dig(tree, "data", "categoryTree")), "code:"+category+" ") {
		t.Errorf("CategoryTree does not hold the individual's category %s: %v", category, tree)
	}

	stats, _, _ := b.runTab(t, "CustomerStats", true)
	counts := map[string]float64{} // by type, over the statuses
	byType, _ := testutil.Dig(stats, "data", "byType").([]any)
	for _, row := range byType {
		n, _ := testutil.Dig(row, "count").(float64)
		counts[fmt.Sprint(testutil.Dig(row, "type"))] += n
	}
	if !reflect.DeepEqual(counts, map[string]float64{"INDIVIDUAL": 4, "ORGANIZATION": 1}) {
		t.Errorf("CustomerStats byType: %v, want four individuals (one onboarded, two watched) and one organization", byType)
	}

	t.Run("copy as curl", func(t *testing.T) { copyAsCurl(t, b, s, "Customers", customersRaw) })
	t.Run("history across a reload", func(t *testing.T) { historyAcrossReload(t, b, s, customersRaw) })
}

// watchEvents runs the subscription tab as its description says: ▶ once,
// then a registration made elsewhere (here an HTTP request of the test's,
// as another client would make it) appears in the tab's response pane as
// its event commits: through the websocket the page opened on its own
// origin, authenticated by the token the page uses for HTTP.
func watchEvents(t *testing.T, b *browser, s *testServer, dataDir string) (customerIDs []string) {
	t.Helper()
	const tab = "WatchCustomerEvents"
	b.do(t, "opening the tab "+tab, chromedp.Click(tabButton(tab)))
	if before := eval[string](t, b, "reading the response pane of "+tab, responseNow); before != "" {
		t.Fatalf("%s: the response pane is not empty before ▶:\n%s", tab, before)
	}
	b.do(t, "clicking ▶ in "+tab, chromedp.Click(chromedp.CSS(execute)))
	poll[string](t, b, tab+" subscribed", `(() => {
		const o = document.querySelector(".playground-subscription[data-ws=connected]");
		return o ? o.textContent : false;
	})()`)
	// The browser has sent the subscription itself, after connection_init
	// with the page's token (the status line says "connected" once the
	// server acknowledged that). The protocol acknowledges no subscribe
	// message, and the server exposes no count of its subscriptions: the
	// registration below waits for the frame to leave the browser, and the
	// server reads it before the registration's request, its password hash
	// and its commit are through.
	b.waitFrames(t, tab+"'s subscribe message", 1, `"type":"subscribe"`, tab)
	if b.sentFrames(`"type":"connection_init"`, `"Authorization":"Bearer `+s.token+`"`) != 1 {
		t.Errorf("%s: connection_init does not carry the page's token", tab)
	}
	first := s.register(t, "watch.events@example.com")
	raw := waitForEvent(t, b, tab, first, 1)

	// A new token pasted into the headers reaches the running
	// subscription: the socket connects again with it, subscribes again,
	// and the next registration's event comes through.
	fresh := mintDemo(t, dataDir, "onboard-dev-rotated")
	headers, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + fresh, "X-Tenant-ID": demo.TenantKey})
	eval[bool](t, b, "pasting a new token", fmt.Sprintf(
		`[...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")].find((e) => e.CodeMirror.getValue().includes("Authorization")).CodeMirror.setValue(%q), true`,
		headers))
	b.waitFrames(t, "connection_init with the new token", 1, `"type":"connection_init"`, `"Authorization":"Bearer `+fresh+`"`)
	b.waitFrames(t, tab+" subscribed again", 2, `"type":"subscribe"`, tab)
	poll[bool](t, b, tab+" connected again", `!!document.querySelector(".playground-subscription[data-ws=connected]")`)
	second := s.register(t, "watch.events.again@example.com")
	raw = waitForEvent(t, b, tab, second, 2)

	// ▶ again stops it: the socket closes, the answer stays.
	b.do(t, "stopping "+tab, chromedp.Click(chromedp.CSS(execute)))
	poll[bool](t, b, tab+" stopped", `!!document.querySelector(".playground-subscription[data-ws=closed]")`)
	if after := eval[string](t, b, "reading the response pane of "+tab, responseNow); after != raw {
		t.Errorf("%s: stopping changed the answer:\n%s", tab, after)
	}
	return []string{first, second}
}

// waitForEvent waits for tab's response pane to show the customer.registered
// event of customer, the tab's nth event, and returns the pane's text.
func waitForEvent(t *testing.T, b *browser, tab, customer string, nth int) string {
	t.Helper()
	raw := poll[string](t, b, tab+"'s event of the registration", fmt.Sprintf(`(() => {
		const cm = document.querySelector(".graphiql-response .CodeMirror");
		const v = cm ? cm.CodeMirror.getValue() : "";
		return v.includes(%q) || v.includes('"errors"') ? v : false;
	})()`, customer))
	var answer map[string]any
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		t.Fatalf("%s: the answer is not JSON: %v\n%s", tab, err, raw)
	}
	if errs, ok := answer["errors"]; ok {
		t.Fatalf("%s answered errors: %v\n%s", tab, errs, raw)
	}
	ev, _ := testutil.Dig(answer, "data", "customerEvents").(map[string]any)
	if id, _ := testutil.Dig(ev, "id").(string); !strings.HasPrefix(id, "evt_") ||
		testutil.Dig(ev, "type") != "customer.registered" || testutil.Dig(ev, "customer", "id") != customer {
		t.Fatalf("%s: want the customer.registered event of %s, got %s", tab, customer, raw)
	}
	status := poll[string](t, b, tab+"'s status line", fmt.Sprintf(`(() => {
		const o = document.querySelector(".playground-subscription");
		return o && Number(o.dataset.events) >= %d ? o.textContent : false;
	})()`, nth))
	if !strings.HasPrefix(status, "WebSocket · subscribed") {
		t.Errorf("%s: status line %q", tab, status)
	}
	return raw
}

// mintDemo mints a token for the demo tenant with every scope, signed with
// the secret of the server on dataDir, as `go run . token` does.
func mintDemo(t *testing.T, dataDir, subject string) string {
	t.Helper()
	cfg, err := config.Load(env(map[string]string{"DATA_DIR": dataDir}))
	if err != nil {
		t.Fatal(err)
	}
	authn, err := newAuthenticator(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := authn.Mint(auth.TokenRequest{Subject: subject, Tenants: []string{demo.TenantKey}, Scopes: viewer.AllScopes(), TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// register registers the FinHub individual under email through the API,
// as a client other than the page would, and returns the customer's id.
func (s *testServer) register(t *testing.T, email string) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "finhub-individual.json"))
	if err != nil {
		t.Fatal(err)
	}
	var input map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(body), "marcus.jensen@example.com", email)), &input); err != nil {
		t.Fatal(err)
	}
	input["externalReference"] = "browser-" + email
	b, _ := json.Marshal(map[string]any{
		"query":     `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { customer { id } } }`,
		"variables": map[string]any{"input": input},
	})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/graphql", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("X-Tenant-ID", demo.TenantKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			RegisterIndividual *struct{ Customer struct{ ID string } }
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || out.Data.RegisterIndividual == nil {
		t.Fatalf("registering: %d %s", resp.StatusCode, raw)
	}
	return out.Data.RegisterIndividual.Customer.ID
}

// copyAsCurl opens the Customers tab again, copies its request as curl and
// runs the command in a shell against the server: it answers what the page
// showed. The token appears only as $TOKEN unless asked for.
func copyAsCurl(t *testing.T, b *browser, s *testServer, tab, pageAnswer string) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	const dialog = `(document.querySelector("pre.playground-curl") || {}).textContent || false`
	b.do(t, "opening the copy-as-curl dialog",
		chromedp.Click(tabButton(tab)),
		chromedp.Click(chromedp.CSS(`button.playground-curl-button`)),
	)
	cmd := poll[string](t, b, "the curl command", dialog)
	if strings.Contains(cmd, s.token) || !strings.Contains(cmd, `"Authorization: Bearer $TOKEN"`) {
		t.Fatalf("the command must carry the token as $TOKEN only:\n%s", cmd)
	}
	out, err := exec.CommandContext(b.ctx, "bash", "-c", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("running the command: %v\n%s\n%s", err, cmd, out)
	}
	if !sameJSON(t, out, []byte(pageAnswer)) {
		// $TOKEN unset gives 401: set it and run again.
		c := exec.CommandContext(b.ctx, "bash", "-c", cmd)
		c.Env = append(os.Environ(), "TOKEN="+s.token)
		if out, err = c.CombinedOutput(); err != nil || !sameJSON(t, out, []byte(pageAnswer)) {
			t.Fatalf("the command answers differently from the page: %v\n%s\ncommand:\n%s\npage:\n%s", err, out, cmd, pageAnswer)
		}
	} else {
		t.Fatalf("the command answered without a token:\n%s", out)
	}

	b.do(t, "asking for the token in the command", chromedp.Click(chromedp.CSS(`.playground-curl-section input[type=checkbox]`)))
	withToken := poll[string](t, b, "the curl command with the token",
		`(() => { const t = (document.querySelector("pre.playground-curl") || {}).textContent || ""; return t.includes("$TOKEN") ? false : t; })()`)
	if !strings.Contains(withToken, "Bearer "+s.token) {
		t.Errorf("asked for the token, the command does not carry it:\n%s", withToken)
	}
	out, err = exec.CommandContext(b.ctx, "bash", "-c", withToken).CombinedOutput()
	if err != nil || !sameJSON(t, out, []byte(pageAnswer)) {
		t.Errorf("the command with the token answers differently: %v\n%s", err, out)
	}
	b.do(t, "closing the dialog", chromedp.KeyEvent("\x1b"), chromedp.WaitNotPresent(chromedp.CSS(`pre.playground-curl`)))
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// operationName finds an example's operation name (each has one).
var operationName = regexp.MustCompile(`^(query|mutation|subscription) ([A-Za-z]+)`)

// historyAcrossReload reloads the page: every tab's run is in the history,
// nothing the browser stored holds the token, and an entry run again from
// the history (in the fresh first tab) answers as before.
func historyAcrossReload(t *testing.T, b *browser, s *testServer, customersAnswer string) {
	b.do(t, "reloading the page",
		chromedp.Reload(),
		chromedp.WaitVisible(tabButton("RegisterIndividual")),
	)
	poll[bool](t, b, "the editors", editorsReady)
	stored := eval[string](t, b, "reading localStorage", `JSON.stringify(Object.entries(localStorage))`)
	if strings.Contains(stored, s.token) || strings.Contains(stored, strings.Split(s.token, ".")[2]) {
		t.Errorf("the browser stored the token: %.500s", stored)
	}
	b.do(t, "opening the history", chromedp.Click(chromedp.CSS(`button[aria-label="Show History"]`)))
	labels := poll[[]string](t, b, "the history entries", `(() => {
		const l = [...document.querySelectorAll(".graphiql-history-item-label")].map((e) => e.textContent);
		return l.length ? l : false;
	})()`)
	slices.Sort(labels)
	// The test ran every example tab once: the history names each
	// example's operation.
	var want []string
	for _, ex := range demo.Examples(demo.OnboardingCustomer{}) {
		want = append(want, operationName.FindStringSubmatch(ex.Query)[2])
	}
	slices.Sort(want)
	if !slices.Equal(labels, want) {
		t.Errorf("history after a reload: %q, want %q", labels, want)
	}
	b.do(t, "choosing Customers in the history",
		chromedp.Click(`//button[contains(@class,"graphiql-history-item-label")][normalize-space(.)="Customers"]`))
	headers := eval[string](t, b, "reading the headers editor",
		`[...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")].map((e) => e.CodeMirror.getValue()).join("\n")`)
	if !strings.Contains(headers, "Bearer "+s.token) {
		t.Errorf("the history entry came back without the page's token:\n%s", headers)
	}
	b.do(t, "clicking ▶", chromedp.Click(chromedp.CSS(execute)))
	again := poll[string](t, b, "the answer of the history entry", response)
	if !sameJSON(t, []byte(again), []byte(customersAnswer)) {
		t.Errorf("Customers run from the history answers differently:\n%s\nwant\n%s", again, customersAnswer)
	}
}

// A page whose token has expired says so, with the command that mints a new
// one for the same tenant and scopes; that command's token, pasted into the
// headers, registers the customer. Today's page said only "Error fetching
// schema".
func TestPlaygroundExpiredTokenInABrowser(t *testing.T) {
	if chromium() == "" {
		newBrowser(t, "") // skips
	}
	dataDir := t.TempDir()
	s := startServer(t, map[string]string{"DATA_DIR": dataDir})
	cfg, err := config.Load(env(map[string]string{"DATA_DIR": dataDir}))
	if err != nil {
		t.Fatal(err)
	}
	authn, err := newAuthenticator(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{"customers:register", "customers:read"}
	expired, err := authn.Mint(auth.TokenRequest{Subject: "dev", Tenants: []string{demo.TenantKey}, Scopes: scopes, TTL: -time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// The development page, as the server renders it, with the expired
	// token; the API behind it is the server's.
	opts := playgroundOptions(cfg, expired, demo.OnboardingCustomer{})
	api, _ := url.Parse(s.base)
	mux := http.NewServeMux()
	mux.Handle("/", playground.Handler(opts))
	mux.Handle("/graphql", httputil.NewSingleHostReverseProxy(api))
	page := httptest.NewServer(mux)
	t.Cleanup(page.Close)

	b := newBrowser(t, page.URL)
	b.do(t, "opening the playground", chromedp.Navigate(page.URL+"/"), chromedp.WaitVisible(chromedp.CSS(execute)))
	alert := poll[string](t, b, "the expired-token message", `(document.querySelector(".playground-auth") || {}).textContent || false`)
	cmd := regexp.MustCompile("`(go run \\. token [^`]+)`").FindStringSubmatch(alert)
	if !strings.HasPrefix(alert, "The token has expired: run `go run . token --tenant "+demo.TenantKey+" --scope 'customers:register customers:read'`") ||
		!strings.Contains(alert, "restart `go run .`") || cmd == nil {
		t.Fatalf("message: %q", alert)
	}

	// Run the command as the message says (its arguments split by a shell).
	words, err := exec.Command("bash", "-c", `printf '%s\0' `+strings.TrimPrefix(cmd[1], "go run . ")).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
	var out strings.Builder
	if err := run(context.Background(), args, env(map[string]string{"DATA_DIR": dataDir}), &out, io.Discard); err != nil {
		t.Fatalf("%s: %v", cmd[1], err)
	}
	fresh := strings.TrimSpace(out.String())

	// Paste it over the expired one and run the open tab.
	headers, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + fresh, "X-Tenant-ID": demo.TenantKey})
	eval[bool](t, b, "pasting the new token", fmt.Sprintf(
		`[...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")].find((e) => e.CodeMirror.getValue().includes("Authorization")).CodeMirror.setValue(%q), true`,
		headers))
	b.do(t, "clicking ▶", chromedp.Click(chromedp.CSS(execute)))
	raw := poll[string](t, b, "the registration's answer", `(() => {
		const v = document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue();
		return /registerIndividual|"errors"/.test(v) && !document.querySelector(".graphiql-response .graphiql-spinner") ? v : false;
	})()`)
	if !regexp.MustCompile(`"id": "cus_`).MatchString(raw) {
		t.Fatalf("with the new token: %s", raw)
	}
	if !eval[bool](t, b, "reading the message", `!document.querySelector(".playground-auth")`) {
		t.Error("the expired-token message stays after an answer with a good token")
	}
}

// saveScreenshot writes what the browser shows to path, as PNG.
func saveScreenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	// Let the editors finish painting.
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}
