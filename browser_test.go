package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
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
	return u.Scheme == origin.Scheme && u.Host == origin.Host
}

// customerID is the new customer's id as GraphiQL's result pane shows it.
var customerID = regexp.MustCompile(`"id":\s*"(cus_[0-9A-Za-z]+)"`)

// The newcomer's first minute, in a real browser: the development server
// opens GraphiQL with the demo token filled in; running the registration
// tab registers the FinHub individual and shows its customer id. The page
// must not request anything from another origin (it works offline).
//
// Set SCREENSHOT=path.png to save what the browser shows at the end (the
// README's internal/playground/screenshot.png is made so).
// operationNotFound is GraphiQL having sent another tab's operation name.
var operationNotFound = regexp.MustCompile(`operation \w+ not found`)

func TestPlaygroundRegistersTheExampleInABrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium: looked for chromium, chromium-browser, google-chrome on PATH and /usr/bin/chromium; " +
			"install one (apt-get install -y chromium) to run the browser test")
	}
	s := startServer(t, nil)
	if s.token == "" {
		t.Fatalf("no development token printed:\n%s", s.stdout)
	}
	origin, _ := url.Parse(s.base)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Every request the page makes, and what its console reports. Listen
	// starts the browser, on a context without a deadline (one would stop
	// the browser); the steps below get their own.
	var mu sync.Mutex
	var foreign, console []string
	err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !sameOrigin(ev.Request.URL, origin) {
				foreign = append(foreign, ev.Request.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				console = append(console, string(ev.Type)+": "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			// A request the Content-Security-Policy blocked never reaches
			// the network events; the browser reports it here.
			if strings.Contains(ev.Entry.Text, "Content Security Policy") {
				foreign = append(foreign, "blocked by the CSP: "+ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			console = append(console, "exception: "+ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	// GraphiQL labels a tab with its operation's name.
	const (
		registerTab  = `//button[contains(@class,"graphiql-tab-button")][contains(., "RegisterIndividual")]`
		customersTab = `//button[contains(@class,"graphiql-tab-button")][contains(., "Customers")]`
		execute      = chromedp.CSS(`button.graphiql-execute-button`)
	)
	// The result pane's text once it shows a customer id or errors other
	// than the previous answer (%s, a JSON string).
	const resultPane = `(() => {
		const t = (document.querySelector(".graphiql-response") || {}).innerText || "";
		return t !== %s && /"cus_|"errors"/.test(t) ? t : false;
	})()`
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(customersTab),
		// Leave the registration tab and come back: run it from its own tab.
		chromedp.Click(customersTab),
		chromedp.Click(registerTab),
	)
	// GraphiQL takes the operation name from the editor a moment after a
	// tab switch; a click before that asks for the previous tab's
	// operation ("operation Customers not found"), which runs nothing. So
	// click until the registration's own answer shows, as a person would:
	// each answer differs from the last (a new requestId at least).
	var result string
	for try := 0; err == nil && try < 10; try++ {
		if err = chromedp.Do(ctx, chromedp.Click(execute)); err != nil {
			break
		}
		previous, _ := json.Marshal(result)
		result, err = chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(resultPane, previous),
			chromedp.WithPollingTimeout(60*time.Second)))
		if err != nil || !operationNotFound.MatchString(result) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var text string // the page's text, to explain a failure
	if err != nil {
		text, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	}
	if path := os.Getenv("SCREENSHOT"); path != "" && err == nil {
		saveScreenshot(t, ctx, path)
	}
	// Stop the browser before reading what the listener collected: the
	// listener runs in the tab's read loop, so no action may run after this.
	cancelBrowser()
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("driving the page: %v\npage text: %.3000s\nconsole: %s", err, text, strings.Join(console, "\n"))
	}
	m := customerID.FindStringSubmatch(result)
	if m == nil {
		t.Fatalf("no customer id in the result pane:\n%s\nconsole: %s", result, strings.Join(console, "\n"))
	}
	if len(foreign) > 0 {
		t.Fatalf("the page requested other origins than %s:\n%s", s.base, strings.Join(slices.Compact(foreign), "\n"))
	}
	// The id is a stored customer of the demo tenant.
	status, body := s.graphql(t, s.token, `{ node(id: "`+m[1]+`") { id ... on Customer { type } } }`)
	if status != 200 || !strings.Contains(body, `"type":"INDIVIDUAL"`) {
		t.Fatalf("node(id: %s): %d %s", m[1], status, body)
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
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}
