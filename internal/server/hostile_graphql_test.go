package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onboard/internal/server"
	"onboard/internal/testutil"
)

// hostileRepeat joins n items made by item.
func hostileRepeat(n int, sep string, item func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i)
	}
	return strings.Join(parts, sep)
}

// hostileBomb defines F0 … Fn on typ, each spreading the next one `width`
// times: n lines that expand to width^n copies of leaf.
func hostileBomb(n, width int, typ, leaf string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " fragment F%d on %s { %s }", i, typ, strings.Repeat(fmt.Sprintf("...F%d ", i+1), width))
	}
	fmt.Fprintf(&b, " fragment F%d on %s { %s }", n, typ, leaf)
	return b.String()
}

// hostileGraphQL: documents built to exhaust the server or confuse it. A
// document past the bounds is refused before validation with 400
// QUERY_TOO_COMPLEX; one GraphQL itself refuses is BAD_USER_INPUT; either
// way the answer is small.
func hostileGraphQL(t *testing.T) {
	e := newHostileEnv(t, "graphql", testutil.Options{})
	off := server.New(server.Options{DB: e.DB, Auth: e.Auth, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})

	limit := refuse(hostileStatusLimit, "QUERY_TOO_COMPLEX")
	invalid := refuse(hostileStatusInvalid, "BAD_USER_INPUT")
	// Refused by the bounds or by validation, whichever comes first.
	either := refuse(hostileStatusInvalid, "QUERY_TOO_COMPLEX", "BAD_USER_INPUT")
	ok := hostileWant{successOnly: true, success: hostileSucceeds(nil)}
	q := func(name, query string, want hostileWant) hostileCase {
		return hostileCase{name: name, req: hostileReq{token: e.token, tenant: "acme", query: query}, want: want}
	}
	body := func(name string, b string, status int, codes ...string) hostileCase {
		return hostileCase{name: name, req: hostileReq{token: e.token, tenant: "acme", body: []byte(b)},
			want: hostileWant{statuses: []int{status}, codes: codes, echo: []string{"Hunter2-Secret!"}}}
	}
	nested := func(n int) string { // category → customers → … n times
		return "{ tenant { customers(first: 1) { edges { node { " +
			strings.Repeat("category { customers(first: 1) { edges { node { ", n) + "id" +
			strings.Repeat(" } } } }", n) + " } } } } }"
	}
	long := strings.Repeat("x", 100_000)
	withEcho := func(tc hostileCase, v ...string) hostileCase { tc.want.echo = append(tc.want.echo, v...); return tc }

	cases := []hostileCase{
		// Depth.
		q("depth 2 levels of category.customers", nested(2), ok),
		q("depth 20 levels", nested(20), limit),
		q("depth 20 levels through fragments", `{ tenant { customers(first: 1) { edges { node { ...C } } } } }
			fragment C on Customer { category { customers(first: 1) { edges { node { ...D } } } } }
			fragment D on Customer { category { customers(first: 1) { edges { node { ...E } } } } }
			fragment E on Customer { category { customers(first: 1) { edges { node { ...G } } } } }
			fragment G on Customer { category { customers(first: 1) { edges { node { ...H } } } } }
			fragment H on Customer { category { customers(first: 1) { edges { node { id } } } } }`, limit),
		q("100,000 nested selections", strings.Repeat("{ tenant ", 100_000)+strings.Repeat("}", 100_000), either),
		// Aliases.
		q("31 aliases", "{"+hostileRepeat(31, " ", func(i int) string { return fmt.Sprintf("r%d: roles { code }", i) })+" }", limit),
		q("5,000 aliases of __typename", "{"+hostileRepeat(5000, " ", func(i int) string { return fmt.Sprintf("a%d: __typename", i) })+" }", limit),
		// Fragments.
		q("fragment cycle", `{ tenant { ...A } } fragment A on Tenant { ...B } fragment B on Tenant { ...A }`, either),
		q("fragment spreading itself", `{ tenant { ...A } } fragment A on Tenant { name ...A }`, either),
		q("fragment bomb 2^30", `{ tenant { ...F0 } }`+hostileBomb(30, 2, "Tenant", "name"), limit),
		q("fragment bomb 2^60", `{ tenant { ...F0 } }`+hostileBomb(60, 2, "Tenant", "name"), limit),
		q("fragment bomb 10^8", `{ tenant { ...F0 } }`+hostileBomb(8, 10, "Tenant", "name key"), limit),
		q("fragment bomb of conflicting fields", `{ tenant { ...F0 } }`+hostileBomb(12, 2, "Tenant", `roles: __typename`)+
			` fragment X on Tenant { roles: name }`, either),
		q("unused fragments", "{ __typename }"+hostileRepeat(2000, " ", func(i int) string { return fmt.Sprintf("fragment U%d on Tenant { name }", i) }), either),
		q("spread of an unknown fragment", `{ tenant { ...Nope } }`, invalid),
		// Duplicate and conflicting fields.
		q("a field three times", `{ tenant { name name name } }`, ok),
		q("8,000 copies of one field", "{ tenant { "+strings.Repeat("name ", 8000)+"} }", limit),
		q("10,000 __typename", "{ "+strings.Repeat("__typename ", 10_000)+"}", limit),
		q("two fields of one name with other arguments", `{ tenant { customers(first: 1) { totalCount } customers(first: 2) { totalCount } } }`, invalid),
		q("300 fields of one name with other arguments", "{ "+hostileRepeat(300, " ", func(i int) string {
			return fmt.Sprintf(`node(id: "n%d") { id }`, i)
		})+" }", either),
		q("2,000 distinct unknown fields", "{ tenant { "+hostileRepeat(2000, " ", func(i int) string { return fmt.Sprintf("f%d", i) })+" } }", either),
		// Long names and strings.
		withEcho(q("a 100,000-character field name", "{ "+long+" }", either), long),
		// Names GraphQL allows: bounded by the body limit, answered (an
		// alias is the key of its answer, so it comes back by design).
		q("a 100,000-character operation name", "query "+long+" { __typename }", hostileOr(either)),
		withEcho(q("a 100,000-character argument", `{ node(id: "`+long+`") { id } }`,
			refuse([]int{200, 400}, "BAD_USER_INPUT", "NOT_FOUND")), long),
		q("a 100,000-character alias", "{ "+long+": __typename }", hostileOr(either)),
		// Operations.
		q("two operations without operationName", `query A { __typename } query B { __typename }`, invalid),
		{name: "operationName of no operation", req: hostileReq{token: e.token, tenant: "acme",
			query: `query A { __typename }`, opName: "Nope"}, want: invalid},
		{name: "operationName of a fragment", req: hostileReq{token: e.token, tenant: "acme",
			query: `query A { tenant { ...F } } fragment F on Tenant { name }`, opName: "F"}, want: invalid},
		{name: "5,000 operations", req: hostileReq{token: e.token, tenant: "acme", opName: "Q0",
			query: hostileRepeat(5000, " ", func(i int) string { return fmt.Sprintf("query Q%d { __typename }", i) })}, want: limit},
		q("two anonymous operations", `{ __typename } { __typename }`, invalid),
		q("a subscription", `subscription { tenant { name } }`, invalid),
		q("an unknown field", `{ tenant { nope } }`, invalid),
		q("a syntax error", `{ tenant { name }`, invalid),
		q("a NUL in the document", "{ tenant\x00 { name } }", invalid),
		q("an empty document", ``, invalid),
		q("only a comment", `# nothing`, invalid),
		// Directives.
		q("@skip twice", `{ tenant @skip(if: false) @skip(if: false) { name } }`, invalid),
		q("@include 1,000 times", "{ tenant "+strings.Repeat("@include(if: true) ", 1000)+"{ name } }", either),
		q("an unknown directive", `{ tenant @nope { name } }`, invalid),
		q("@hasScope in a query", `{ tenant @hasScope(scope: "tenants:admin") { name } }`, invalid),
		// Variables.
		{name: "a variable of the wrong type", req: hostileReq{token: e.token, tenant: "acme",
			query: `query($n: Int) { customers(first: $n) { totalCount } }`, vars: map[string]any{"n": "ten"}}, want: invalid},
		{name: "an undeclared variable", req: hostileReq{token: e.token, tenant: "acme",
			query: `{ customers(first: $n) { totalCount } }`, vars: map[string]any{"n": 1}}, want: invalid},
		{name: "a list nested 5,000 deep", req: hostileReq{token: e.token, tenant: "acme",
			query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": hostileNest(5000)}}, want: invalid},
		{name: "a where nested 5,000 deep", req: hostileReq{token: e.token, tenant: "acme",
			query: `query($w: CustomerWhereInput) { customers(first: 1, where: $w) { totalCount } }`,
			vars:  map[string]any{"w": hostileNestWhere(5000)}}, want: either},
		q("a where literal nested 2,000 deep", `{ customers(first: 1, where: `+strings.Repeat("{not: ", 2000)+`{name: "x"}`+
			strings.Repeat("}", 2000)+`) { totalCount } }`, either),
		q("a list literal nested 2,000 deep", `{ nodes(ids: `+strings.Repeat("[", 2000)+`"x"`+strings.Repeat("]", 2000)+`) { id } }`, either),
		{name: "10,000 variables", req: hostileReq{token: e.token, tenant: "acme",
			query: `{ __typename }`, vars: hostileManyVars(10_000)}, want: hostileWant{successOnly: true, success: hostileSucceeds(nil)}},
		// Bodies.
		body("a batch of two", `[{"query":"{ tenant { name } }"},{"query":"{ roles { code } }"}]`, 400, "BAD_USER_INPUT"),
		body("a batch of 1,000", "["+hostileRepeat(1000, ",", func(int) string { return `{"query":"{ tenant { name } }"}` })+"]", 400, "BAD_USER_INPUT"),
		body("an empty batch", `[]`, 400, "BAD_USER_INPUT"),
		body("truncated JSON with a password", `{"query":"mutation { __typename }","variables":{"password":"Hunter2-Secret!"`, 400, "BAD_USER_INPUT"),
		body("a number as the query with a password", `{"query":42,"variables":{"password":"Hunter2-Secret!"}}`, 400, "BAD_USER_INPUT"),
		body("variables as a list", `{"query":"{ __typename }","variables":["Hunter2-Secret!"]}`, 400, "BAD_USER_INPUT"),
		{name: "no query", req: hostileReq{token: e.token, tenant: "acme", body: []byte(`{"variables":{}}`)}, want: invalid},
		body("a JSON string", `"Hunter2-Secret!"`, 400, "BAD_USER_INPUT"),
		body("JSON nested 100,000 deep", `{"query":"{ __typename }","variables":{"a":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`}}`, 400, "BAD_USER_INPUT"),
		body("2 MiB of variables", `{"query":"{ __typename }","variables":{"p":"`+strings.Repeat("Hunter2-Secret!", 140_000)+`"}}`, 413, "BAD_USER_INPUT"),
		{name: "2 MiB chunked", req: hostileReq{token: e.token, tenant: "acme", chunked: true,
			body: []byte(`{"query":"{ __typename }","variables":{"p":"` + strings.Repeat("Hunter2-Secret!", 140_000) + `"}}`)},
			want: hostileWant{statuses: []int{413}, codes: []string{"BAD_USER_INPUT"}, echo: []string{"Hunter2-Secret!"}}},
		{name: "text/plain", req: hostileReq{token: e.token, tenant: "acme", contentType: "text/plain", query: `{ tenant { name } }`},
			want: hostileWant{statuses: []int{415}, codes: []string{"BAD_USER_INPUT"}}},
		{name: "a mutation over GET", req: hostileReq{method: http.MethodGet, token: e.operatorToken(), tenant: "acme",
			target: "/graphql?query=" + url.QueryEscape(`mutation { createRole(input: {code: "VIA_GET", name: "x"}) { role { id } } }`)},
			want: hostileWant{statuses: []int{405}, codes: []string{"BAD_USER_INPUT"}}},
		{name: "PUT", req: hostileReq{method: http.MethodPut, token: e.token, tenant: "acme", query: `{ tenant { name } }`},
			want: hostileWant{statuses: []int{405}, codes: []string{"BAD_USER_INPUT"}}},
		// Introspection and suggestions with introspection off (production).
		{name: "__schema with introspection off", req: hostileReq{token: e.token, tenant: "acme", handler: off,
			query: `{ __schema { types { name } } }`}, want: refuse(append(hostileStatusInvalid, 403), "BAD_USER_INPUT", "FORBIDDEN")},
		{name: "__type with introspection off", req: hostileReq{token: e.token, tenant: "acme", handler: off,
			query: `{ __type(name: "Customer") { fields { name } } }`}, want: refuse(append(hostileStatusInvalid, 403), "BAD_USER_INPUT", "FORBIDDEN")},
		{name: "no field suggestions with introspection off", req: hostileReq{token: e.token, tenant: "acme", handler: off,
			query: `{ tenant { nam } customers(first: 1) { edges { node { registrationI } } } }`},
			want: hostileWant{statuses: hostileStatusInvalid, codes: []string{"BAD_USER_INPUT"}, echo: []string{"Did you mean", "registrationIP"}}},
		{name: "no type suggestions with introspection off", req: hostileReq{token: e.token, tenant: "acme", handler: off,
			query: `query($w: CustomerWhereInpu) { customers(first: 1, where: $w) { totalCount } }`},
			want: hostileWant{statuses: hostileStatusInvalid, codes: []string{"BAD_USER_INPUT"}, echo: []string{"Did you mean"}}},
		{name: "__typename with introspection off", req: hostileReq{token: e.token, tenant: "acme", handler: off,
			query: `{ __typename tenant { __typename name } }`}, want: ok},
		// Persisted queries.
		{name: "a persisted query hash that does not match", req: hostileReq{token: e.token, tenant: "acme",
			body: []byte(`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`)},
			want: refuse(append(hostileStatusInvalid, 200), "BAD_USER_INPUT")},
		{name: "a persisted query of another version", req: hostileReq{token: e.token, tenant: "acme",
			body: []byte(`{"extensions":{"persistedQuery":{"version":99,"sha256Hash":"00"}}}`)},
			want: refuse(append(hostileStatusInvalid, 200), "BAD_USER_INPUT")},
	}
	for _, tc := range cases {
		e.run(t, tc)
	}
}

// hostileOr is want that also accepts a success.
func hostileOr(want hostileWant) hostileWant {
	want.success = hostileSucceeds(nil)
	return want
}

// hostileNest is a list nested n deep around one id.
func hostileNest(n int) any {
	var v any = "x"
	for range n {
		v = []any{v}
	}
	return v
}

// hostileNestWhere is a CustomerWhereInput of n nested nots.
func hostileNestWhere(n int) any {
	var v any = map[string]any{"name": "x"}
	for range n {
		v = map[string]any{"not": v}
	}
	return v
}

func hostileManyVars(n int) map[string]any {
	out := make(map[string]any, n)
	for i := range n {
		out[fmt.Sprintf("v%d", i)] = i
	}
	return out
}
