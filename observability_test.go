package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// get answers GET url's status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// jsonLines decodes every JSON line of a log.
func jsonLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		out = append(out, line)
	}
	return out
}

// TestMetricsOnTheMainListenerByDefault: /metrics without a token, and the
// start-up lines of the migration and the demo seeding with their
// durations.
func TestMetricsOnTheMainListenerByDefault(t *testing.T) {
	s := startServer(t, nil)
	status, body := get(t, s.base+"/metrics")
	if status != http.StatusOK || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, `go_sql_open_connections{db_name="onboard"}`) {
		t.Fatalf("/metrics: %d %.300s", status, body)
	}
	seen := map[string]bool{}
	for _, l := range jsonLines(t, s.stderr.String()) {
		msg, _ := l["msg"].(string)
		seen[msg] = true
		if msg == "schema migrated" || msg == "demo tenant seeded" {
			if _, ok := l["durationMs"].(float64); !ok {
				t.Errorf("%q without durationMs: %v", msg, l)
			}
		}
		if msg == "request" && l["path"] == "/metrics" {
			t.Errorf("a scrape logged at info: %v", l)
		}
	}
	for _, msg := range []string{"migrating the schema", "schema migrated", "seeding the demo tenant", "demo tenant seeded"} {
		if !seen[msg] {
			t.Errorf("no %q line at start:\n%s", msg, s.stderr)
		}
	}
}

// TestMetricsAddrServesMetricsAlone: with METRICS_ADDR, /metrics is served
// there and no longer on the main listener (which may face the Internet).
func TestMetricsAddrServesMetricsAlone(t *testing.T) {
	metricsAddr := freePort(t)
	s := startServer(t, map[string]string{"METRICS_ADDR": metricsAddr})
	if status, _ := get(t, s.base+"/metrics"); status != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404", status)
	}
	status, body := get(t, "http://"+metricsAddr+"/metrics")
	if status != http.StatusOK || !strings.Contains(body, "onboard_http_request_duration_seconds") {
		t.Fatalf("METRICS_ADDR /metrics: %d %.300s", status, body)
	}
	// The main listener's 404 above was counted, on the registry served here.
	if !strings.Contains(body, `route="unmatched"`) {
		t.Errorf("the metrics listener does not serve the main listener's registry:\n%.2000s", body)
	}
	if status, _ := get(t, "http://"+metricsAddr+"/graphql"); status != http.StatusNotFound {
		t.Errorf("METRICS_ADDR serves /graphql: %d", status)
	}
}

// TestLogLevel: debug shows the probes' lines, warn hides info, and an
// unknown level is refused before anything starts.
func TestLogLevel(t *testing.T) {
	s := startServer(t, map[string]string{"LOG_LEVEL": "debug"})
	get(t, s.base+"/healthz")
	probe := false
	for _, l := range jsonLines(t, s.stderr.String()) {
		if l["msg"] == "request" && l["path"] == "/healthz" {
			probe = l["level"] == "DEBUG"
		}
	}
	if !probe {
		t.Errorf("LOG_LEVEL=debug: no DEBUG line for /healthz:\n%s", s.stderr)
	}

	var stderr bytes.Buffer
	vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		vars["DATABASE_URL"] = testutil.FreshSchema(t, u)
	}
	if err := run(context.Background(), []string{"migrate"}, env(vars), io.Discard, &stderr); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 {
		t.Errorf("LOG_LEVEL=warn logged info lines:\n%s", &stderr)
	}
	vars["LOG_LEVEL"] = "verbose"
	if err := run(context.Background(), []string{"migrate"}, env(vars), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=verbose: %v", err)
	}
}

// collector is an in-process OTLP/HTTP trace receiver.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(b, &req)
	}
	if r.URL.Path != "/v1/traces" || err != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			c.spans = append(c.spans, ss.GetSpans()...)
		}
	}
	c.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func attr(s *tracepb.Span, key string) *commonpb.AnyValue {
	for _, a := range s.GetAttributes() {
		if a.GetKey() == key {
			return a.GetValue()
		}
	}
	return nil
}

// TestTracesReachAnOTLPCollector registers the FinHub individual with a
// W3C traceparent, stops the server (which flushes) and reads what the
// collector received: the request span continues the caller's trace, the
// operation span is its child, SQL spans are children of the operation
// (or of the request for authentication's tenant lookup), every span has
// the request id, and no span holds the registration's personal data.
func TestTracesReachAnOTLPCollector(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	s := startServer(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL})

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	input, _ := os.ReadFile("testdata/finhub-individual.json")
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation RegisterIndividual($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		"variables": map[string]json.RawMessage{"input": input},
	})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("X-Tenant-ID", demo.TenantKey)
	req.Header.Set("X-Request-ID", "trace-test-1")
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"cus_`) {
		t.Fatalf("registration: %d %s", resp.StatusCode, answer)
	}
	s.stop() // flushes the batch

	col.mu.Lock()
	defer col.mu.Unlock()
	var httpSpan, opSpan *tracepb.Span
	var sqlSpans []*tracepb.Span
	for _, sp := range col.spans {
		if hex.EncodeToString(sp.GetTraceId()) != traceID {
			continue
		}
		if id := attr(sp, "onboard.request_id").GetStringValue(); id != "trace-test-1" {
			t.Errorf("span %q has request id %q", sp.GetName(), id)
		}
		switch {
		case sp.GetName() == "POST /graphql":
			httpSpan = sp
		case sp.GetName() == "mutation RegisterIndividual":
			opSpan = sp
		case sp.GetName() == "SQL":
			sqlSpans = append(sqlSpans, sp)
		}
	}
	if httpSpan == nil || opSpan == nil || len(sqlSpans) == 0 {
		t.Fatalf("in trace %s: request span %v, operation span %v, %d SQL spans (of %d spans)", traceID, httpSpan != nil, opSpan != nil, len(sqlSpans), len(col.spans))
	}
	if got := hex.EncodeToString(httpSpan.GetParentSpanId()); got != parentID {
		t.Errorf("request span's parent %s, want the traceparent's %s", got, parentID)
	}
	if httpSpan.GetKind() != tracepb.Span_SPAN_KIND_SERVER || attr(httpSpan, "http.response.status_code").GetIntValue() != 200 {
		t.Errorf("request span: kind %v, attributes %v", httpSpan.GetKind(), httpSpan.GetAttributes())
	}
	if !bytes.Equal(opSpan.GetParentSpanId(), httpSpan.GetSpanId()) {
		t.Errorf("the operation span is not the request span's child")
	}
	if attr(opSpan, "graphql.operation.name").GetStringValue() != "RegisterIndividual" || attr(opSpan, "graphql.operation.type").GetStringValue() != "mutation" {
		t.Errorf("operation span attributes: %v", opSpan.GetAttributes())
	}
	underOp, underRequest := 0, 0
	for _, sp := range sqlSpans {
		switch {
		case bytes.Equal(sp.GetParentSpanId(), opSpan.GetSpanId()):
			underOp++
		case bytes.Equal(sp.GetParentSpanId(), httpSpan.GetSpanId()):
			underRequest++
		default:
			t.Errorf("SQL span %v has another parent", attr(sp, "db.query.text"))
		}
		if attr(sp, "db.query.text").GetStringValue() == "" {
			t.Errorf("SQL span without its statement: %v", sp.GetAttributes())
		}
	}
	t.Logf("%d spans in all; %d SQL spans under the operation, %d under the request", len(col.spans), underOp, underRequest)
	if underOp == 0 || underRequest == 0 {
		t.Errorf("SQL spans: %d under the operation, %d under the request (the tenant lookup)", underOp, underRequest)
	}
	// No variable in any span: the password, the e-mail, the phone, the name.
	for _, sp := range col.spans {
		text, _ := proto.Marshal(sp)
		for _, secret := range []string{"SecurePass123!", "marcus.jensen", "+37060012345", "Jensen", "1990-05-15"} {
			if bytes.Contains(text, []byte(secret)) {
				t.Errorf("span %q holds %q", sp.GetName(), secret)
			}
		}
	}
}
