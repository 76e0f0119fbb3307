package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, h, http.MethodGet, target, hdr...)
}

func do(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var configRE = regexp.MustCompile(`(?s)<script type="application/json" id="graphiql-config">(.*?)</script>`)

// pageConfigOf extracts and decodes the configuration block of a page.
func pageConfigOf(t *testing.T, page string) (raw string, cfg pageConfig) {
	t.Helper()
	m := configRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no configuration block in page:\n%s", page)
	}
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("configuration is not JSON: %v\n%s", err, m[1])
	}
	return m[1], cfg
}

func TestPageHeaders(t *testing.T) {
	rec := get(t, Handler(Options{}), "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
	want := map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": ContentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if head := do(t, Handler(Options{}), http.MethodHead, "/"); head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD /: status %d, %d body bytes", head.Code, head.Body.Len())
	}
}

// The policy names no origin but the page's own: every source expression is
// a keyword or a scheme for inline data.
func TestContentSecurityPolicyIsSameOriginOnly(t *testing.T) {
	if strings.Contains(strings.ToLower(ContentSecurityPolicy), "http") {
		t.Fatalf("CSP mentions an http(s) origin: %s", ContentSecurityPolicy)
	}
	allowed := map[string]bool{"'self'": true, "'none'": true, "data:": true, "'unsafe-inline'": true}
	directives := map[string][]string{}
	for d := range strings.SplitSeq(ContentSecurityPolicy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			t.Fatalf("empty directive in %q", ContentSecurityPolicy)
		}
		directives[f[0]] = f[1:]
		for _, src := range f[1:] {
			if !allowed[src] {
				t.Errorf("directive %s: source %q is not allowed", f[0], src)
			}
		}
	}
	for d, want := range map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self'", // no 'unsafe-inline', no 'unsafe-eval'
		"connect-src":     "'self'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"frame-ancestors": "'none'",
	} {
		if got := strings.Join(directives[d], " "); got != want {
			t.Errorf("%s = %q, want %q", d, got, want)
		}
	}
	if styles := directives["style-src"]; len(styles) == 0 || styles[0] != "'self'" {
		t.Errorf("style-src = %q", styles)
	}
}

var (
	attrURLRE   = regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster|data)\s*=\s*"([^"]*)"`)
	scriptTagRE = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
)

func TestPageReferencesOnlyEmbeddedAssets(t *testing.T) {
	page := get(t, Handler(Options{}), "/").Body.String()

	urls := attrURLRE.FindAllStringSubmatch(page, -1)
	if len(urls) == 0 {
		t.Fatal("no URL attributes found")
	}
	seen := map[string]bool{}
	for _, m := range urls {
		u := m[1]
		if !strings.HasPrefix(u, AssetPrefix) || strings.HasPrefix(u, "//") {
			t.Errorf("page references %q, want only %s… on the same origin", u, AssetPrefix)
			continue
		}
		// Every reference must be served by the handler itself.
		if rec := get(t, Handler(Options{}), u); rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", u, rec.Code)
		}
		seen[strings.SplitN(u, "?", 2)[0]] = true
	}
	for _, want := range []string{"/playground/graphiql.js", "/playground/graphiql.css"} {
		if !seen[want] {
			t.Errorf("page does not load %s", want)
		}
	}
	if strings.Contains(page, "http:") || strings.Contains(page, "https:") {
		t.Error("page contains an absolute URL")
	}

	// No inline script (the CSP would block it): a <script> either loads an
	// embedded file or is the JSON data block, which is never executed.
	for _, m := range scriptTagRE.FindAllStringSubmatch(page, -1) {
		attrs, body := m[1], m[2]
		switch {
		case strings.Contains(attrs, `src="/playground/`) && strings.TrimSpace(body) == "":
		case strings.Contains(attrs, `type="application/json"`):
		default:
			t.Errorf("inline script in page: <script%s>%s", attrs, body)
		}
	}
	if strings.Contains(page, "<style") || strings.Contains(page, " style=") || regexp.MustCompile(`(?i)\son[a-z]+=`).MatchString(page) {
		t.Error("page contains inline style or event handler attributes")
	}
}

func TestConfigRoundTripAndEscaping(t *testing.T) {
	evil := "</script><script>alert(1)</script><!-- \u2028 & 'x'"
	opts := Options{
		Endpoint: "/api/graphql",
		Title:    "Dev <playground>",
		Headers:  map[string]string{"Authorization": "Bearer tok" + evil, "X-Tenant-ID": "tenant-1"},
		Tabs: []Tab{
			{Title: "Viewer", Query: "query Viewer { viewer { id } }"},
			{Title: "Evil " + evil, Description: "Then " + evil, Query: "query Q($s: String) { echo(s: $s) } # " + evil, Variables: `{"s": "` + evil + `"}`, Headers: map[string]string{"X-Debug": evil}},
		},
	}
	page := get(t, Handler(opts), "/").Body.String()
	raw, cfg := pageConfigOf(t, page)

	if strings.Contains(strings.ToLower(raw), "<") || strings.Contains(raw, ">") {
		t.Errorf("configuration block contains raw angle brackets: %s", raw)
	}
	if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
		t.Errorf("page has %d </script> tags, want 2 (the bundle's and the JSON block's)", n)
	}
	if !strings.Contains(page, "<title>Dev &lt;playground&gt;</title>") {
		t.Error("title not HTML-escaped")
	}

	want := pageConfig{
		Endpoint: "/api/graphql",
		Headers:  opts.Headers,
		Tabs: []tabConfig{
			{Title: "Viewer", Query: opts.Tabs[0].Query},
			{Title: opts.Tabs[1].Title, Description: opts.Tabs[1].Description, Query: opts.Tabs[1].Query, Variables: opts.Tabs[1].Variables, Headers: opts.Tabs[1].Headers},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("configuration round trip:\n got %#v\nwant %#v", cfg, want)
	}
}

func TestConfigDefaults(t *testing.T) {
	page := get(t, Handler(Options{}), "/").Body.String()
	raw, cfg := pageConfigOf(t, page)
	if cfg.Endpoint != DefaultEndpoint {
		t.Errorf("endpoint %q, want %q", cfg.Endpoint, DefaultEndpoint)
	}
	// Empty but present, so the bundle never sees null.
	if !strings.Contains(raw, `"headers":{}`) || !strings.Contains(raw, `"tabs":[]`) {
		t.Errorf("defaults not encoded as empty object/array: %s", raw)
	}
	if !strings.Contains(page, "<title>"+DefaultTitle+"</title>") {
		t.Error("default title missing")
	}
}

func TestHandlerCopiesOptions(t *testing.T) {
	opts := Options{Headers: map[string]string{"A": "1"}, Tabs: []Tab{{Query: "{a}", Headers: map[string]string{"B": "2"}}}}
	h := Handler(opts)
	opts.Headers["A"] = "changed"
	opts.Tabs[0].Headers["B"] = "changed"
	_, cfg := pageConfigOf(t, get(t, h, "/").Body.String())
	if cfg.Headers["A"] != "1" || cfg.Tabs[0].Headers["B"] != "2" {
		t.Errorf("page changed with the caller's maps: %#v", cfg)
	}
}

func TestEndpointMustBeSameOrigin(t *testing.T) {
	for _, ep := range []string{"https://api.example.com/graphql", "//evil.example/graphql", "/\\evil.example", "graphql"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handler accepted Endpoint %q", ep)
				}
			}()
			Handler(Options{Endpoint: ep})
		}()
	}
}

func TestAssets(t *testing.T) {
	h := Handler(Options{})
	for _, tc := range []struct {
		path, contentType string
		minSize           int
	}{
		{"/playground/graphiql.js", "text/javascript; charset=utf-8", 200_000},
		{"/playground/graphiql.css", "text/css; charset=utf-8", 20_000},
		{"/playground/favicon.svg", "image/svg+xml", 100},
		{"/playground/THIRD_PARTY_NOTICES.txt", "text/plain; charset=utf-8", 1_000},
	} {
		rec := get(t, h, tc.path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", tc.path, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != tc.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.contentType)
		}
		if rec.Body.Len() < tc.minSize {
			t.Errorf("GET %s: %d bytes, want at least %d", tc.path, rec.Body.Len(), tc.minSize)
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tc.path, got)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want a long immutable cache", tc.path, cc)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Errorf("GET %s: no ETag", tc.path)
		} else if nm := get(t, h, tc.path, "If-None-Match", etag); nm.Code != http.StatusNotModified || nm.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match: status %d, %d bytes", tc.path, nm.Code, nm.Body.Len())
		}
		if head := do(t, h, http.MethodHead, tc.path); head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != rec.Header().Get("Content-Length") {
			t.Errorf("HEAD %s: status %d, %d body bytes", tc.path, head.Code, head.Body.Len())
		}
	}
}

func TestAssetsGzip(t *testing.T) {
	h := Handler(Options{})
	plain := get(t, h, "/playground/graphiql.js")
	gz := get(t, h, "/playground/graphiql.js", "Accept-Encoding", "br, gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", gz.Header().Get("Content-Encoding"))
	}
	if gz.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzipped %d bytes, plain %d", gz.Body.Len(), plain.Body.Len())
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity responses share an ETag")
	}
	if !strings.Contains(gz.Header().Get("Vary"), "Accept-Encoding") {
		t.Error("no Vary: Accept-Encoding")
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, plain.Body.Bytes()) {
		t.Error("gzipped body differs from the plain one")
	}
	if rec := get(t, h, "/playground/graphiql.js", "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := Handler(Options{})
	for _, p := range []string{
		"/playground/nope.js", "/playground/", "/playground", "/playground/assets/graphiql.js",
		"/playground/../playground.go", "/playground/index.html", "/index.html", "/graphql", "/favicon.ico",
	} {
		if rec := get(t, h, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, rec.Code)
		}
	}
	for _, p := range []string{"/", "/playground/graphiql.js"} {
		rec := do(t, h, http.MethodPost, p)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("POST %s: status %d, Allow %q", p, rec.Code, rec.Header().Get("Allow"))
		}
	}
}

// The bundle must not load anything from another origin: the CSP would block
// it, and the playground must work with no internet. A minified bundle still
// contains some absolute URLs as plain strings: XML namespaces for SVG/MathML,
// links the user may click (GraphiQL logo, CodeMirror keymap docs), and URLs
// inside error messages and schema descriptions. Those are not loads. So the
// test fails on (1) any absolute URL in a loading position — import(),
// importScripts(), fetch(), new Worker(), new URL(), a src property or
// assignment, CSS url() or @import (an href prop is a link the user clicks) — and (2) any host not on the reviewed list below, so
// that a GraphiQL upgrade bringing new URLs gets looked at.
func TestBundleLoadsNothingRemote(t *testing.T) {
	js, err := assetFiles.ReadFile("assets/graphiql.js")
	if err != nil {
		t.Fatal(err)
	}
	css, err := assetFiles.ReadFile("assets/graphiql.css")
	if err != nil {
		t.Fatal(err)
	}

	loadRE := regexp.MustCompile(`(?i)(import\s*\(|importScripts\s*\(|fetch\s*\(|new\s+Worker\s*\(|new\s+SharedWorker\s*\(|new\s+URL\s*\(|\.src\s*=|\.href\s*=|src:|url\()\s*["'` + "`" + `]?\s*(https?:)?//`)
	if m := loadRE.FindAll(js, -1); len(m) > 0 {
		t.Errorf("graphiql.js loads absolute URLs: %q", m)
	}
	if bytes.Contains(js, []byte("sourceMappingURL")) || bytes.Contains(css, []byte("sourceMappingURL")) {
		t.Error("bundle references a source map")
	}

	reviewed := map[string]bool{
		"www.w3.org":       true, // SVG, XHTML, XLink, MathML, XML namespace names
		"github.com":       true, // GraphiQL logo link and a CDN-usage hint in an error message
		"codemirror.net":   true, // link to keymap docs in the shortcuts dialog
		"reactjs.org":      true, // React production error decoder link in messages
		"yarnpkg.com":      true, // docs link in an error message
		"commonmark.org":   true, // text of the introspection schema's descriptions
		"en.wikipedia.org": true, // text of graphql-js error messages
	}
	hostRE := regexp.MustCompile(`https?://([A-Za-z0-9.-]*)`)
	for _, m := range hostRE.FindAllSubmatch(js, -1) {
		host := string(m[1])
		// "http://" + variable (markdown-it's linkify normalising text the
		// user typed) has no literal host.
		if host != "" && !reviewed[host] {
			t.Errorf("graphiql.js contains a URL with unreviewed host %q", host)
		}
	}
	for _, h := range []string{"fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com"} {
		if bytes.Contains(js, []byte("//"+h)) || bytes.Contains(css, []byte("//"+h)) {
			t.Errorf("bundle references %s", h)
		}
	}

	// CSS: every url() is inline data (fonts, images), nothing is imported.
	for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]{0,16})`).FindAllSubmatch(css, -1) {
		if !bytes.HasPrefix(m[1], []byte("data:")) {
			t.Errorf("graphiql.css has url(%s…), want only data: URLs", m[1])
		}
	}
	if bytes.Contains(css, []byte("@import")) || bytes.Contains(css, []byte("http://")) || bytes.Contains(css, []byte("https://")) {
		t.Error("graphiql.css imports or references an absolute URL")
	}
}

// GraphiQL must run with script-src 'self' and without 'unsafe-eval'.
func TestBundleNeedsNoEval(t *testing.T) {
	js, err := assetFiles.ReadFile("assets/graphiql.js")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`\beval\(|new Function\(`).FindAll(js, -1); len(m) > 0 {
		t.Errorf("graphiql.js uses eval: %q", m)
	}
}
