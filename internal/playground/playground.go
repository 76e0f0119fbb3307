// Package playground serves a GraphiQL page for the Onboard GraphQL API.
//
// Everything the page needs is embedded in the binary: GraphiQL 3 (with
// React 18 and CodeMirror 5) bundled by build.sh into assets/graphiql.js and
// assets/graphiql.css, fonts inlined as data: URLs. The page works offline,
// makes no request to another origin, and is served with a strict
// Content-Security-Policy that forbids inline scripts: its configuration is
// a JSON data block (<script type="application/json">), which browsers never
// execute, read by the bundle.
//
// Around GraphiQL the bundle adds (npm/session.js, npm/extras.jsx): the
// history kept across reloads in localStorage, never with the Authorization
// header; the HTTP status, duration and size of each tab's last answer; when
// the token is refused, the `go run . token` command that mints a new one for
// the same tenants and scopes; a copy-as-curl dialog (the token as
// $TOKEN unless asked for); and subscriptions over a websocket at the
// endpoint on the page's own origin (graphql-ws, npm/subscriptions.js),
// whose connection_init carries the tab's headers, so the page's token
// authenticates them too. Tabs and headers are never stored: every load
// opens the tabs and the token the server rendered.
//
// Mount the handler on both of its paths:
//
//	h := playground.Handler(playground.Options{Endpoint: "/graphql"})
//	r.Get("/", h)
//	r.Handle("/playground/*", h)
//
// To update GraphiQL, change the versions in npm/package.json, run
// `./build.sh lock` and then `./build.sh`, and commit npm/package-lock.json
// and assets/.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// ContentSecurityPolicy is the header value the page is served with. Only
// same-origin scripts run (no inline script, no eval); styles allow
// 'unsafe-inline' because React, CodeMirror and Radix set element styles and
// inject <style> elements at run time; fonts and a few images are data: URLs
// inside graphiql.css; requests go only to the page's own origin, and in
// CSP Level 3 'self' takes the websocket of that origin too (ws:// for an
// http page, wss:// for https), which the subscriptions use. GraphiQL 3
// uses no web workers, so worker-src falls back to script-src 'self'.
const ContentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"frame-ancestors 'none'"

// AssetPrefix is the path under which the page's scripts and styles are served.
const AssetPrefix = "/playground/"

// DefaultEndpoint is the GraphQL endpoint used when Options.Endpoint is empty.
const DefaultEndpoint = "/graphql"

// DefaultTitle is the page title used when Options.Title is empty.
const DefaultTitle = "Onboard GraphQL Playground"

// Options configure the page.
type Options struct {
	// Endpoint is the GraphQL endpoint, e.g. "/graphql" (the default). It must
	// be a path on the page's own origin: the CSP allows no other.
	Endpoint string
	// Headers are the initial request headers shown in GraphiQL's headers
	// editor and sent with every request, e.g. Authorization and X-Tenant-ID.
	// They are part of the page, which is therefore served with
	// Cache-Control: no-store, and never persisted in the browser.
	Headers map[string]string
	// Tabs are example operations, each opened in its own tab.
	Tabs []Tab
	// Title is the page title (DefaultTitle if empty).
	Title string
}

// Tab is an example operation opened in a GraphiQL tab.
type Tab struct {
	// Title is shown as a leading "# Title" comment of the query: GraphiQL 3
	// labels each tab with the operation name found in its query, so give
	// examples named operations ("query Viewer { … }").
	Title string
	// Description, optional, is shown below the title as more comment
	// lines: what to do with the tab (a subscription waits for events that
	// another tab makes).
	Description string
	// Query is the GraphQL document.
	Query string
	// Variables is a JSON object as text, e.g. `{"first": 10}` (may be empty).
	Variables string
	// Headers, optional, are merged over Options.Headers for this tab.
	Headers map[string]string
}

// pageConfig is the JSON read by npm/main.jsx from the page's
// <script type="application/json" id="graphiql-config"> block.
type pageConfig struct {
	Endpoint string            `json:"endpoint"`
	Headers  map[string]string `json:"headers"`
	Tabs     []tabConfig       `json:"tabs"`
}

type tabConfig struct {
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Query       string            `json:"query"`
	Variables   string            `json:"variables"`
	Headers     map[string]string `json:"headers,omitempty"`
}

//go:embed assets/graphiql.js assets/graphiql.css assets/favicon.svg assets/THIRD_PARTY_NOTICES.txt
var assetFiles embed.FS

//go:embed index.html
var indexHTML string

var pageTemplate = template.Must(template.New("index.html").Parse(indexHTML))

type asset struct {
	body        []byte
	gzipped     []byte // nil when compression does not pay off
	contentType string
	etag        string // strong ETag of body; gzipped uses etag + "-gz"
	version     string // short content hash, used in the page's URLs
}

var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".txt": "text/plain; charset=utf-8",
}

// loadAssets reads the embedded assets once and precompresses them.
var loadAssets = sync.OnceValue(func() map[string]*asset {
	entries, err := assetFiles.ReadDir("assets")
	if err != nil {
		panic("playground: reading embedded assets: " + err.Error())
	}
	m := make(map[string]*asset, len(entries))
	for _, e := range entries {
		body, err := assetFiles.ReadFile("assets/" + e.Name())
		if err != nil {
			panic("playground: reading embedded asset: " + err.Error())
		}
		sum := sha256.Sum256(body)
		a := &asset{
			body:        body,
			contentType: contentTypes[path.Ext(e.Name())],
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
			version:     hex.EncodeToString(sum[:6]),
		}
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		if len(body) > 1024 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				a.gzipped = buf.Bytes()
			}
		}
		m[e.Name()] = a
	}
	return m
})

type handler struct {
	page []byte
}

// Handler serves the page at its mount path ("/") and the assets under
// /playground/; any other path is 404. It panics if opts.Endpoint is not a
// path on the page's own origin.
func Handler(opts Options) http.Handler {
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if !strings.HasPrefix(endpoint, "/") || strings.HasPrefix(endpoint, "//") || strings.HasPrefix(endpoint, "/\\") {
		panic("playground: Options.Endpoint must be a path on the same origin (like \"/graphql\"), got " + strconv.Quote(opts.Endpoint))
	}
	title := opts.Title
	if title == "" {
		title = DefaultTitle
	}
	cfg := pageConfig{
		Endpoint: endpoint,
		Headers:  maps.Clone(opts.Headers),
		Tabs:     make([]tabConfig, 0, len(opts.Tabs)),
	}
	if cfg.Headers == nil {
		cfg.Headers = map[string]string{}
	}
	for _, t := range opts.Tabs {
		cfg.Tabs = append(cfg.Tabs, tabConfig{Title: t.Title, Description: t.Description, Query: t.Query, Variables: t.Variables, Headers: maps.Clone(t.Headers)})
	}

	assets := loadAssets()
	assetURL := func(name string) string { return AssetPrefix + name + "?v=" + assets[name].version }
	var buf bytes.Buffer
	// html/template encodes Config as JSON inside the <script> element with
	// '<', '>' and '&' as \u003c, \u003e, \u0026, so no string in a query or
	// header can close the element.
	err := pageTemplate.Execute(&buf, map[string]any{
		"Title":      title,
		"JSURL":      assetURL("graphiql.js"),
		"CSSURL":     assetURL("graphiql.css"),
		"FaviconURL": assetURL("favicon.svg"),
		"Config":     cfg,
	})
	if err != nil {
		panic("playground: rendering page: " + err.Error())
	}
	return &handler{page: buf.Bytes()}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	var name string
	switch {
	case p == "/":
	case strings.HasPrefix(p, AssetPrefix):
		name = p[len(AssetPrefix):]
		if loadAssets()[name] == nil {
			http.NotFound(w, r)
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if name == "" {
		h.servePage(w, r)
		return
	}
	serveAsset(w, r, loadAssets()[name])
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	// The page may carry credentials (Options.Headers): keep it out of caches.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Length", strconv.Itoa(len(h.page)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(h.page)
	}
}

func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	hdr := w.Header()
	body, etag := a.body, a.etag
	if a.gzipped != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gzipped, a.etag[:len(a.etag)-1]+`-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
	// The page links assets with ?v=<content hash>, so a new build gets new
	// URLs and the old ones can be cached for good.
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" || part == etag {
			return true
		}
	}
	return false
}
