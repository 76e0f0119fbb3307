package server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// FuzzRequestBody feeds request bodies and GET query strings to the
// front's checks. They never panic; a body they accept is one gqlgen's
// POST transport decodes (as it does: encoding/json, numbers kept), so
// the transport never answers with its own error, which repeats the
// body; a refusal never quotes the body; and a GET query string they
// accept has variables and extensions that decode as objects.
func FuzzRequestBody(f *testing.F) {
	f.Add([]byte(`{"query":"{ tenant { name } }","variables":{"a":1}}`), "query=%7B+tenant+%7B+name+%7D+%7D")
	f.Add([]byte(`{"query":1}`), "variables=%5B%5D")
	f.Add([]byte(`[{"query":"{ a }"}]`), "variables=%7B%22a%22%3A1%7D&extensions=null")
	f.Add([]byte(`{"Query":"x","QUERY":null,"variables":"secret-password"}`), "a=%zz")
	f.Add([]byte("\ufeff{\"query\":\"x\"}"), ";")
	f.Add([]byte(`{"query":"x"} trailing`), "")
	f.Fuzz(func(t *testing.T, body []byte, rawQuery string) {
		reason, msg := checkBody(body)
		if reason == "" {
			var params graphql.RawParams
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&params); err != nil {
				t.Fatalf("accepted a body the transport cannot decode (%v): %q", err, body)
			}
		} else if len(body) >= 16 && strings.Contains(msg, string(body)) {
			t.Fatalf("the refusal quotes the body: %q", msg)
		}
		if reason, _ := checkGETParams(rawQuery); reason == "" {
			q, err := url.ParseQuery(rawQuery)
			if err != nil {
				t.Fatalf("accepted a query string that does not decode: %q", rawQuery)
			}
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" {
					var obj map[string]any
					if err := json.Unmarshal([]byte(v), &obj); err != nil {
						t.Fatalf("accepted %s=%q, which is not an object: %v", name, v, err)
					}
				}
			}
		}
	})
}
