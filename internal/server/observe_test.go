package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"onboard/internal/observe"
	"onboard/internal/testutil"
)

// scrape reads /metrics as Prometheus does: no token.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	return fams
}

// sample is the value of the counter, or the sample count of the
// histogram, name with exactly labels (0 when there is none).
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		match := len(got) == len(labels)/2
		for i := 0; match && i+1 < len(labels); i += 2 {
			match = got[labels[i]] == labels[i+1]
		}
		if !match {
			continue
		}
		if h := m.GetHistogram(); h != nil {
			return float64(h.GetSampleCount())
		}
		return m.GetCounter().GetValue()
	}
	return 0
}

// TestMetricsCountARegistration registers the FinHub individual, then the
// same e-mail again, then calls without a token: each moves its series by
// exactly one, and the pool, runtime and process metrics are there.
func TestMetricsCountARegistration(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	before := scrape(t, env.Handler)

	var got registered
	env.register(input).Into(t, &got)
	after := scrape(t, env.Handler)

	moved := func(name string, labels ...string) {
		t.Helper()
		if d := sample(after, name, labels...) - sample(before, name, labels...); d != 1 {
			t.Errorf("%s%v moved by %v, want 1", name, labels, d)
		}
	}
	moved("onboard_registrations_total", "customer_type", "INDIVIDUAL", "outcome", "OK")
	moved("onboard_graphql_requests_total", "operation", "Register", "type", "mutation", "code", "OK")
	moved("onboard_graphql_operation_duration_seconds", "operation", "Register", "type", "mutation")
	moved("onboard_http_request_duration_seconds", "route", "/graphql", "method", "POST", "status", "200")
	moved("onboard_password_hash_wait_seconds")
	for _, name := range []string{"go_sql_open_connections", "go_sql_max_open_connections", "go_sql_wait_duration_seconds_total"} {
		if f := after[name]; f == nil || f.GetMetric()[0].GetLabel()[0].GetValue() != "onboard" {
			t.Errorf("no pool metric %s{db_name=onboard}", name)
		}
	}
	if v := after["go_sql_max_open_connections"].GetMetric()[0].GetGauge().GetValue(); v != 8 {
		t.Errorf("go_sql_max_open_connections = %v, want the 8 testutil configures", v)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total"} {
		if after[name] == nil {
			t.Errorf("no runtime metric %s", name)
		}
	}

	before = after
	if r := env.register(input); len(r.Errors) == 0 || r.Errors[0].Code() != "CONFLICT" {
		t.Fatalf("second registration: %s", r.Raw)
	}
	env.Do(testutil.Request{TenantKey: "acme", Query: registerIndividual}) // no token
	after = scrape(t, env.Handler)
	moved("onboard_registrations_total", "customer_type", "INDIVIDUAL", "outcome", "CONFLICT")
	moved("onboard_graphql_requests_total", "operation", "Register", "type", "mutation", "code", "CONFLICT")
	moved("onboard_graphql_requests_total", "operation", "", "type", "", "code", "UNAUTHENTICATED")
	if d := sample(after, "onboard_registrations_total", "customer_type", "INDIVIDUAL", "outcome", "OK") -
		sample(before, "onboard_registrations_total", "customer_type", "INDIVIDUAL", "outcome", "OK"); d != 0 {
		t.Errorf("OK registrations moved by %v on a conflict", d)
	}
}

// TestMetricsBoundOperationNames sends more distinct operation names than
// the metrics keep, and a document that does not validate: the labels stop
// at MaxOperationNames and the rest count as "other".
func TestMetricsBoundOperationNames(t *testing.T) {
	env := testutil.New(t)
	tok := env.Token([]string{"*"}, "tenants:admin")
	const extra = 5
	for i := range observe.MaxOperationNames + extra {
		if r := env.Do(testutil.Request{Token: tok, Query: fmt.Sprintf("query Op%d { __typename }", i)}); len(r.Errors) > 0 {
			t.Fatalf("Op%d: %s", i, r.Raw)
		}
	}
	if r := env.Do(testutil.Request{Token: tok, Query: "query Bogus { noSuchField }"}); len(r.Errors) == 0 || r.Errors[0].Reason() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("an invalid document answered %s", r.Raw)
	}
	fams := scrape(t, env.Handler)
	var names []string
	for _, m := range fams["onboard_graphql_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "operation" && !slices.Contains(names, l.GetValue()) {
				names = append(names, l.GetValue())
			}
		}
	}
	if len(names) != observe.MaxOperationNames+1 || !slices.Contains(names, "other") || slices.Contains(names, "Bogus") {
		t.Errorf("%d operation labels (want %d names and other), Bogus among them: %v", len(names), observe.MaxOperationNames, slices.Contains(names, "Bogus"))
	}
	if v := sample(fams, "onboard_graphql_requests_total", "operation", "other", "type", "query", "code", "OK"); v != extra {
		t.Errorf("other/query/OK = %v, want %d", v, extra)
	}
	if v := sample(fams, "onboard_graphql_requests_total", "operation", "other", "type", "", "code", "BAD_USER_INPUT"); v != 1 {
		t.Errorf("the invalid document: other//BAD_USER_INPUT = %v, want 1", v)
	}
}

// logLines decodes the JSON log lines with msg "request".
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		if line["msg"] == "request" {
			out = append(out, line)
		}
	}
	return out
}

// TestAccessLogNamesOperationTenantSubjectAndErrors reads the access log
// lines of a registration, of one with several problems, of a refusal and
// of a probe.
func TestAccessLogNamesOperationTenantSubjectAndErrors(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	env.register(input, "X-Request-ID", "ok-1").Into(t, &registered{})

	bad := testutil.Fixture(t, "finhub-individual.json")
	set(t, bad, "individualCustomer.person.email", "not-an-email")
	set(t, bad, "individualCustomer.person.dateOfBirth", "3000-01-01")
	r := env.register(bad, "X-Request-ID", "bad-1")
	if len(r.Errors) < 2 {
		t.Fatalf("want several problems: %s", r.Raw)
	}
	env.Do(testutil.Request{Query: "{ tenant { name } }", TenantKey: "acme", Header: http.Header{"X-Request-Id": {"anon-1"}}})
	w := httptest.NewRecorder()
	env.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))

	lines := map[string]map[string]any{}
	for _, l := range logLines(t, env.Logs()) {
		id, _ := l["requestId"].(string)
		lines[id] = l
		if l["path"] == "/healthz" {
			t.Errorf("a probe logged at info: %v", l)
		}
		if _, ok := l["durationMs"].(float64); !ok {
			t.Errorf("no durationMs in %v", l)
		}
	}
	check := func(id string, want map[string]any) {
		t.Helper()
		l := lines[id]
		if l == nil {
			t.Fatalf("no access log line for %s in:\n%s", id, env.Logs())
		}
		for k, v := range want {
			if g, _ := json.Marshal(l[k]); string(g) != mustJSON(v) {
				t.Errorf("%s: %s = %s, want %s", id, k, g, mustJSON(v))
			}
		}
	}
	check("ok-1", map[string]any{"level": "INFO", "operation": "Register", "operationType": "mutation",
		"tenant": "acme", "subject": "test", "errorCodes": []string{}, "errorCount": 0, "status": 200})
	check("bad-1", map[string]any{"operation": "Register", "errorCodes": []string{"BAD_USER_INPUT"},
		"errorCount": len(r.Errors), "tenant": "acme"})
	check("anon-1", map[string]any{"operation": "", "tenant": "", "subject": "", "status": 401,
		"errorCodes": []string{"UNAUTHENTICATED"}, "errorCount": 1})

	for _, secret := range []string{input["password"].(string), "marcus.jensen@example.com", "not-an-email"} {
		if strings.Contains(env.Logs(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
