package server_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/loginthrottle"
	"onboard/ent/user"
	"onboard/internal/auth"
	"onboard/internal/observe"
	"onboard/internal/onboarding"
	"onboard/internal/server"
	"onboard/internal/sessions"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

const createSession = `mutation S($input: CreateCustomerSessionInput!) {
	createCustomerSession(input: $input) { token expiresAt customer { id type status } }
}`

const readMe = `{ me { id type name status } }`

// fixtureUsername is the FinHub individual's login (its e-mail).
const fixtureUsername = "marcus.jensen@example.com"

// sessionEnv is the registration env with the FinHub individual registered
// and the server rebuilt with limits, plus a second server instance over
// the same database (another process behind the same load balancer).
type sessionEnv struct {
	*registrationEnv
	tb         testing.TB
	second     http.Handler
	metrics    *observe.Metrics
	customerID string
	// platform may create sessions and nothing else.
	platform string
}

func newSessionEnv(t *testing.T, limits sessions.Limits) *sessionEnv {
	t.Helper()
	e := newRegistrationEnv(t)
	handler := func(m *observe.Metrics) http.Handler {
		return server.New(server.Options{DB: e.DB, Auth: e.Auth, Logger: slog.New(slog.NewJSONHandler(&testutil.SyncBuffer{}, nil)),
			Introspection: true, Sessions: limits, Metrics: m})
	}
	s := &sessionEnv{registrationEnv: e, tb: t, metrics: observe.NewMetrics(e.DB.SQL)}
	e.Handler = handler(s.metrics)
	s.second = handler(nil)
	var got registered
	e.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &got)
	s.customerID = got.RegisterIndividual.Customer.ID
	s.platform = e.Token([]string{"acme"}, viewer.ScopeCustomersSessions)
	return s
}

// attempt asks the first instance for a session, from the default test
// client address.
func (e *sessionEnv) attempt(username, password string) *testutil.Response {
	return e.attemptVia(e.Handler, "", username, password)
}

// attemptVia asks handler for a session from address ip ("" for
// httptest's 192.0.2.1).
func (e *sessionEnv) attemptVia(h http.Handler, ip, username, password string) *testutil.Response {
	r := testutil.Request{Token: e.platform, TenantKey: "acme", Query: createSession,
		Variables: map[string]any{"input": map[string]any{"username": username, "password": password}}}.HTTP()
	if ip != "" {
		r.RemoteAddr = ip + ":4711"
	}
	return serve(e.tb, h, r)
}

// serve runs r through h and decodes the GraphQL answer.
func serve(t testing.TB, h http.Handler, r *http.Request) *testutil.Response {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := &testutil.Response{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body.String())
	}
	return resp
}

// session creates a session with the fixture's login and returns its token.
func (e *sessionEnv) session(t *testing.T) string {
	t.Helper()
	var got struct {
		CreateCustomerSession struct{ Token string }
	}
	e.attempt(fixtureUsername, fixturePassword).Into(t, &got)
	return got.CreateCustomerSession.Token
}

// refusedWith checks r is exactly one error with code and reason.
func refusedWith(t *testing.T, r *testutil.Response, code, reason string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Code() != code || r.Errors[0].Reason() != reason {
		t.Fatalf("want one %s %s, got %d: %s", code, reason, r.Status, r.Raw)
	}
}

// claims decodes a JWT's payload (the signature is the server's business).
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCustomerSessionReadsMe(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{TTL: 7 * time.Minute})
	before := time.Now().Truncate(time.Second)
	// The username is compared in registration's normalized form.
	r := e.attempt("  Marcus.Jensen@EXAMPLE.com ", fixturePassword)
	var got struct {
		CreateCustomerSession struct {
			Token     string
			ExpiresAt time.Time
			Customer  struct{ ID, Type, Status string }
		}
	}
	r.Into(t, &got)
	s := got.CreateCustomerSession
	want(t, "customer", s.Customer.ID+" "+s.Customer.Type+" "+s.Customer.Status, e.customerID+" INDIVIDUAL PENDING_VERIFICATION")
	if exp := s.ExpiresAt; exp.Before(before.Add(7*time.Minute)) || exp.After(time.Now().Add(7*time.Minute)) {
		t.Errorf("expiresAt %s, want 7 minutes from now (CUSTOMER_SESSION_TTL)", exp)
	}
	c := claims(t, s.Token)
	u := e.Client().User.Query().Where(user.Username(fixtureUsername)).OnlyX(e.As(e.tenantID))
	want(t, "claims", []any{c["sub"], c[auth.CustomerClaim], c["scope"], c["tenants"], c["exp"].(float64) - c["iat"].(float64)},
		[]any{u.ID, e.customerID, "customer:self", []any{"acme"}, float64(420)})

	var me struct {
		Me struct{ ID, Type, Name, Status string }
	}
	e.Do(testutil.Request{Token: s.Token, TenantKey: "acme", Query: readMe}).Into(t, &me)
	want(t, "me", me.Me.ID+" "+me.Me.Type+" "+me.Me.Status, e.customerID+" INDIVIDUAL PENDING_VERIFICATION")

	// Neither the password nor the username reaches a log or the
	// throttle table (none was written: the attempt succeeded).
	if strings.Contains(e.Logs(), fixturePassword) {
		t.Error("the password is in the log")
	}
}

// An unknown username and a wrong password get the same answer, byte for
// byte but the request id, and so do the customers and logins that may not
// sign in, even with the right password.
func TestCustomerSessionRefusalsLookAlike(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 100, AddressFailures: 100})
	requestID := regexp.MustCompile(`"requestId":"[^"]*"`)
	body := func(r *testutil.Response) string {
		t.Helper()
		refusedWith(t, r, "UNAUTHENTICATED", "INVALID_CREDENTIALS")
		return requestID.ReplaceAllString(r.Raw, "")
	}
	wrong := body(e.attempt(fixtureUsername, "WrongPass123!"))
	for name, r := range map[string]*testutil.Response{
		"unknown user":       e.attempt("nobody@example.com", fixturePassword),
		"unknown, not email": e.attempt("nobody", fixturePassword),
	} {
		if got := body(r); got != wrong {
			t.Errorf("%s: %s\nwrong password: %s", name, got, wrong)
		}
	}

	ctx, c := e.As(e.tenantID), e.Client()
	cust := c.Customer.GetX(ctx, e.customerID)
	u := c.User.Query().Where(user.Username(fixtureUsername)).OnlyX(ctx)
	now := time.Now()
	for name, change := range map[string]func() (undo func()){
		"customer REJECTED": func() func() {
			c.Customer.UpdateOneID(cust.ID).SetStatus(customer.StatusREJECTED).ExecX(ctx)
			return func() { c.Customer.UpdateOneID(cust.ID).SetStatus(cust.Status).ExecX(ctx) }
		},
		"customer CLOSED": func() func() {
			c.Customer.UpdateOneID(cust.ID).SetStatus(customer.StatusCLOSED).ExecX(ctx)
			return func() { c.Customer.UpdateOneID(cust.ID).SetStatus(cust.Status).ExecX(ctx) }
		},
		"customer erased": func() func() {
			c.Customer.UpdateOneID(cust.ID).SetErasedAt(now).ExecX(ctx)
			return func() { c.Customer.UpdateOneID(cust.ID).ClearErasedAt().ExecX(ctx) }
		},
		"login SUSPENDED": userStatus(c, ctx, u, user.StatusSUSPENDED),
		"login LOCKED":    userStatus(c, ctx, u, user.StatusLOCKED),
		"login CLOSED":    userStatus(c, ctx, u, user.StatusCLOSED),
	} {
		undo := change()
		if got := body(e.attempt(fixtureUsername, fixturePassword)); got != wrong {
			t.Errorf("%s: %s\nwrong password: %s", name, got, wrong)
		}
		undo()
	}
	// Undone, the login works: the refusals were the statuses'.
	if e.session(t) == "" {
		t.Fatal("no token")
	}
}

func userStatus(c *ent.Client, ctx context.Context, u *ent.User, st user.Status) func() func() {
	return func() func() {
		c.User.UpdateOneID(u.ID).SetStatus(st).ExecX(ctx)
		return func() { c.User.UpdateOneID(u.ID).SetStatus(u.Status).ExecX(ctx) }
	}
}

// hashVerifications reads, from /metrics, how many argon2id computations
// took a hashing slot so far.
func (e *sessionEnv) hashVerifications(t *testing.T) int {
	t.Helper()
	w := httptest.NewRecorder()
	e.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "onboard_password_hash_wait_seconds_count "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no onboard_password_hash_wait_seconds_count in /metrics")
	return 0
}

// An unknown username costs the same one argon2id verification as a wrong
// password (against a dummy hash), so the answer's timing does not tell
// them apart; a locked attempt costs none.
func TestCustomerSessionVerifiesOneHashEitherWay(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 2, AddressFailures: 100})
	for _, tc := range []struct {
		name, username, password string
		verifications            int
	}{
		{"unknown user", "nobody@example.com", fixturePassword, 1},
		{"wrong password", fixtureUsername, "WrongPass123!", 1},
		{"right password", fixtureUsername, fixturePassword, 1},
		{"wrong password again", fixtureUsername, "WrongPass123!", 1},
		{"locks the username", fixtureUsername, "WrongPass123!", 1},
		{"locked", fixtureUsername, fixturePassword, 0},
	} {
		before := e.hashVerifications(t)
		e.attempt(tc.username, tc.password)
		if got := e.hashVerifications(t) - before; got != tc.verifications {
			t.Errorf("%s: %d argon2id computations, want %d", tc.name, got, tc.verifications)
		}
	}
}

// throttle returns the failures and lock of a key (nil when it has no row).
func (e *sessionEnv) throttle(t *testing.T, kind, value string) *ent.LoginThrottle {
	t.Helper()
	row, err := e.Client().LoginThrottle.Query().Where(loginthrottle.Key(sessions.ThrottleKey(kind, value))).Only(e.As(e.tenantID))
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return row
}

func TestCustomerSessionLocksTheUsername(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 3, AddressFailures: 100})
	for range 3 {
		refusedWith(t, e.attempt(fixtureUsername, "WrongPass123!"), "UNAUTHENTICATED", "INVALID_CREDENTIALS")
	}
	// Locked, on this instance and on the other (the count is in the
	// database), even with the right password, and from another address.
	refusedWith(t, e.attempt(fixtureUsername, fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")
	refusedWith(t, e.attemptVia(e.second, "198.51.100.7", fixtureUsername, fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")
	row := e.throttle(t, "username", fixtureUsername)
	if row == nil || row.LockedUntil == nil || time.Until(*row.LockedUntil) < 14*time.Minute {
		t.Fatalf("throttle row %+v, want locked for 15 minutes", row)
	}
	// The table holds no username in clear.
	for _, r := range e.Client().LoginThrottle.Query().AllX(e.As(e.tenantID)) {
		if strings.Contains(r.Key, "marcus") || len(r.Key) != 64 {
			t.Errorf("key %q is not a SHA-256", r.Key)
		}
	}
	// Another username is not locked.
	refusedWith(t, e.attempt("nobody@example.com", fixturePassword), "UNAUTHENTICATED", "INVALID_CREDENTIALS")

	// An unknown username locks the same way, so a lock tells nothing of
	// which usernames exist.
	for range 3 {
		e.attempt("nobody@example.com", fixturePassword)
	}
	refusedWith(t, e.attempt("nobody@example.com", fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")

	// The lock ends: a session again.
	e.Client().LoginThrottle.Update().Where(loginthrottle.Key(sessions.ThrottleKey("username", fixtureUsername))).
		SetLockedUntil(time.Now().Add(-time.Second)).ExecX(e.As(e.tenantID))
	if e.session(t) == "" {
		t.Fatal("no token after the lock")
	}
}

func TestCustomerSessionLocksTheAddress(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 100, AddressFailures: 4})
	for i := range 4 {
		refusedWith(t, e.attempt("user"+strconv.Itoa(i)+"@example.com", fixturePassword), "UNAUTHENTICATED", "INVALID_CREDENTIALS")
	}
	// From that address, even the right login is refused, on either
	// instance; from another, it is not.
	refusedWith(t, e.attempt(fixtureUsername, fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")
	refusedWith(t, e.attemptVia(e.second, "", fixtureUsername, fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")
	var got struct{ CreateCustomerSession struct{ Token string } }
	e.attemptVia(e.second, "198.51.100.7", fixtureUsername, fixturePassword).Into(t, &got)
	if got.CreateCustomerSession.Token == "" {
		t.Fatal("no token from another address")
	}
}

// A success clears the username's failures, not the address's.
func TestCustomerSessionSuccessResetsTheUsername(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 3, AddressFailures: 100})
	for range 2 {
		e.attempt(fixtureUsername, "WrongPass123!")
	}
	if row := e.throttle(t, "username", fixtureUsername); row == nil || row.Failures != 2 {
		t.Fatalf("username throttle %+v, want 2 failures", row)
	}
	e.session(t)
	if row := e.throttle(t, "username", fixtureUsername); row != nil {
		t.Errorf("username throttle %+v after a success, want none", row)
	}
	if row := e.throttle(t, "address", "192.0.2.1"); row == nil || row.Failures != 2 {
		t.Errorf("address throttle %+v, want its 2 failures kept", row)
	}
	// Two more failures would have locked without the reset.
	for range 2 {
		refusedWith(t, e.attempt(fixtureUsername, "WrongPass123!"), "UNAUTHENTICATED", "INVALID_CREDENTIALS")
	}
	e.session(t)
}

// A window that has run out starts the count again.
func TestCustomerSessionWindowRestarts(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 3, AddressFailures: 100, Window: time.Hour})
	for range 2 {
		e.attempt(fixtureUsername, "WrongPass123!")
	}
	e.Client().LoginThrottle.Update().Where(loginthrottle.Key(sessions.ThrottleKey("username", fixtureUsername))).
		SetWindowStartedAt(time.Now().Add(-61 * time.Minute)).ExecX(e.As(e.tenantID))
	refusedWith(t, e.attempt(fixtureUsername, "WrongPass123!"), "UNAUTHENTICATED", "INVALID_CREDENTIALS")
	if row := e.throttle(t, "username", fixtureUsername); row == nil || row.Failures != 1 || row.LockedUntil != nil {
		t.Fatalf("throttle %+v, want 1 failure in a new window, no lock", row)
	}
	e.session(t)
}

// Concurrent failures, half on each instance, are all counted: the
// counter moves by atomic statements, never read-modify-write.
func TestCustomerSessionConcurrentFailuresAreAllCounted(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 1000, AddressFailures: 1000})
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		h := e.Handler
		if i%2 == 1 {
			h = e.second
		}
		wg.Go(func() {
			r := testutil.Request{Token: e.platform, TenantKey: "acme", Query: createSession,
				Variables: map[string]any{"input": map[string]any{"username": fixtureUsername, "password": "WrongPass123!"}}}.HTTP()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if !strings.Contains(w.Body.String(), "INVALID_CREDENTIALS") {
				t.Errorf("attempt %d: %s", i, w.Body.String())
			}
		})
	}
	wg.Wait()
	for kind, value := range map[string]string{"username": fixtureUsername, "address": "192.0.2.1"} {
		if row := e.throttle(t, kind, value); row == nil || row.Failures != n {
			t.Errorf("%s throttle %+v, want %d failures", kind, row, n)
		}
	}
}

// Concurrent guesses cannot outrun the lock: each attempt is counted
// before its password is verified, in one locked step per key, so of many
// wrong passwords sent at once at most UserFailures reach argon2id and the
// rest are TOO_MANY_ATTEMPTS; the right password right after is refused
// while the lock holds. (Counted after the verification, every attempt
// passed the lock check before the first failure was recorded.)
func TestCustomerSessionConcurrentGuessesStopAtTheLimit(t *testing.T) {
	const limit, n = 5, 30
	e := newSessionEnv(t, sessions.Limits{UserFailures: limit, AddressFailures: 1000})
	before := e.hashVerifications(t)
	var (
		mu      sync.Mutex
		answers = map[string]int{}
	)
	atOnce(n, func(int) {
		r := testutil.Request{Token: e.platform, TenantKey: "acme", Query: createSession,
			Variables: map[string]any{"input": map[string]any{"username": fixtureUsername, "password": "WrongPass123!"}}}.HTTP()
		w := httptest.NewRecorder()
		e.Handler.ServeHTTP(w, r)
		var resp testutil.Response
		reason := "not JSON: " + w.Body.String()
		if json.Unmarshal(w.Body.Bytes(), &resp) == nil && len(resp.Errors) == 1 {
			reason = resp.Errors[0].Reason()
		}
		mu.Lock()
		answers[reason]++
		mu.Unlock()
	})
	verified := e.hashVerifications(t) - before
	if verified > limit || answers["INVALID_CREDENTIALS"] != verified ||
		answers["INVALID_CREDENTIALS"]+answers["TOO_MANY_ATTEMPTS"] != n {
		t.Errorf("%d argon2id verifications (want at most %d), answers %v", verified, limit, answers)
	}
	refusedWith(t, e.attempt(fixtureUsername, fixturePassword), "RATE_LIMITED", "TOO_MANY_ATTEMPTS")
}

// A session is rechecked on every request: once its customer is suspended
// or closed by a decision, or rejected or erased, or its login suspended,
// locked or closed, the same token is 401 INVALID_TOKEN "the customer
// session has ended", long before its exp.
func TestCustomerSessionEndsWithItsCustomer(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	d := &decisionEnv{registrationEnv: e.registrationEnv, decider: e.Token([]string{"acme"}, "customers:decide", "customers:read")}
	token := e.session(t)
	me := func() *testutil.Response {
		return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: readMe})
	}
	works := func(when string) {
		t.Helper()
		if r := me(); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("%s: %d %s", when, r.Status, r.Raw)
		}
	}
	ended := func(when string) {
		t.Helper()
		r := me()
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Raw, "the customer session has ended") {
			t.Fatalf("%s: %d %s, want 401 the customer session has ended", when, r.Status, r.Raw)
		}
		refusedWith(t, r, "UNAUTHENTICATED", "INVALID_TOKEN")
	}
	works("pending")
	satisfyRequirements(t, e.Env, e.tenantID, e.customerID)
	d.mustDecide(t, onboarding.ActionActivate, e.customerID, nil)
	works("active")
	d.mustDecide(t, onboarding.ActionSuspend, e.customerID, map[string]any{"reasonCode": "IDENTITY_DOUBT"})
	ended("suspended")
	d.mustDecide(t, onboarding.ActionReinstate, e.customerID, nil)
	works("reinstated")

	ctx, c := e.As(e.tenantID), e.Client()
	u := c.User.Query().Where(user.Username(fixtureUsername)).OnlyX(ctx)
	for name, change := range map[string]func() (undo func()){
		"customer REJECTED": func() func() {
			c.Customer.UpdateOneID(e.customerID).SetStatus(customer.StatusREJECTED).ExecX(ctx)
			return func() { c.Customer.UpdateOneID(e.customerID).SetStatus(customer.StatusACTIVE).ExecX(ctx) }
		},
		"customer erased": func() func() {
			c.Customer.UpdateOneID(e.customerID).SetErasedAt(time.Now()).ExecX(ctx)
			return func() { c.Customer.UpdateOneID(e.customerID).ClearErasedAt().ExecX(ctx) }
		},
		"login LOCKED": userStatus(c, ctx, u, user.StatusLOCKED),
		"login CLOSED": userStatus(c, ctx, u, user.StatusCLOSED),
	} {
		undo := change()
		ended(name)
		undo()
		works("undone " + name)
	}

	d.mustDecide(t, onboarding.ActionClose, e.customerID, map[string]any{"reasonCode": "CUSTOMER_REQUEST"})
	ended("closed")
}

// A session reaches its own customer through me and nothing else: not the
// customer list, not node (not even of its own customer), not another
// tenant, not without a tenant.
func TestCustomerSessionReachesNothingElse(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	token := e.session(t)
	other := registerAnother(t, e.registrationEnv)
	e.Tenant("globex")

	for name, q := range map[string]string{
		"customers":         `{ customers(first: 5) { edges { node { id } } } }`,
		"node of another":   `{ node(id: "` + other + `") { id } }`,
		"node of its own":   `{ node(id: "` + e.customerID + `") { id } }`,
		"nodes":             `{ nodes(ids: ["` + other + `"]) { id } }`,
		"categories":        `{ categories(first: 5) { edges { node { id } } } }`,
		"a session":         `mutation { createCustomerSession(input: {username: "x", password: "y"}) { token } }`,
		"register":          `mutation { registerIndividual(input: {}) { id } }`,
		"customer of other": `{ customerStats(groupBy: [STATUS]) { count } }`,
	} {
		r := e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q})
		if len(r.Errors) == 0 || strings.Contains(r.Raw, other) {
			t.Errorf("%s: %s", name, r.Raw)
			continue
		}
		if c := r.Errors[0].Code(); c != "FORBIDDEN" && c != "BAD_USER_INPUT" {
			t.Errorf("%s: %s", name, r.Raw)
		}
	}
	r := e.Do(testutil.Request{Token: token, TenantKey: "globex", Query: readMe})
	if r.Status != http.StatusForbidden || len(r.Errors) != 1 || r.Errors[0].Reason() != "TENANT_NOT_GRANTED" {
		t.Errorf("another tenant: %d %s", r.Status, r.Raw)
	}
	r = e.Do(testutil.Request{Token: token, Query: readMe})
	if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Reason() != "MISSING_TENANT" {
		t.Errorf("no tenant: %d %s", r.Status, r.Raw)
	}
}

// registerAnother registers a second individual and returns its id.
func registerAnother(t *testing.T, e *registrationEnv) string {
	t.Helper()
	in := testutil.Fixture(t, "finhub-individual.json")
	in["email"] = "another@example.com"
	if ic, ok := in["individualCustomer"].(map[string]any); ok {
		if u, ok := ic["user"].(map[string]any); ok {
			u["email"], u["username"] = "another@example.com", "another@example.com"
		}
		if p, ok := ic["person"].(map[string]any); ok {
			p["email"] = "another@example.com"
			delete(p, "identityDocuments")
		}
	}
	var got registered
	e.register(in).Into(t, &got)
	return got.RegisterIndividual.Customer.ID
}

// Tokens signed with the server's key but shaped unlike a minted session:
// the customer claim decides, never the scopes a token claims.
func TestCustomerSessionClaims(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	exp := time.Now().Add(time.Hour).Unix()
	signed := func(c map[string]any) string {
		base := map[string]any{"sub": "usr_x", "tenants": []string{"acme"}, "exp": exp}
		for k, v := range c {
			base[k] = v
		}
		return sign(t, testutil.Secret, base)
	}
	do := func(token, q string) *testutil.Response {
		return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q})
	}

	// A platform token carrying customer:self but no customer gets no
	// customer's powers: me is refused, as without the scope.
	platformSelf := signed(map[string]any{"scope": "customer:self customers:read"})
	r := do(platformSelf, readMe)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || strings.Contains(r.Raw, e.customerID) {
		t.Errorf("customer:self without a customer: %s", r.Raw)
	}
	// An identity provider's own "customer" claim is not the session's
	// (namespaced) one: it makes no session either.
	foreign := signed(map[string]any{"scope": "customer:self", "customer": e.customerID})
	if r := do(foreign, readMe); len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || strings.Contains(r.Raw, e.customerID) {
		t.Errorf("a plain customer claim: %s", r.Raw)
	}
	// A session claiming platform scopes too keeps only customer:self.
	greedy := signed(map[string]any{"scope": "customer:self customers:read customers:manage pii:read", auth.CustomerClaim: e.customerID})
	if r := do(greedy, `{ customers(first: 1) { edges { node { id } } } }`); len(r.Errors) == 0 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("a session with customers:read read customers: %s", r.Raw)
	}
	var me struct{ Me struct{ ID string } }
	do(greedy, readMe).Into(t, &me)
	want(t, "me", me.Me.ID, e.customerID)

	for name, c := range map[string]map[string]any{
		"every tenant":   {"scope": "customer:self tenants:admin", auth.CustomerClaim: e.customerID, "tenants": []string{"*"}},
		"two tenants":    {"scope": "customer:self", auth.CustomerClaim: e.customerID, "tenants": []string{"acme", "globex"}},
		"not a customer": {"scope": "customer:self", auth.CustomerClaim: "usr_01J00000000000000000000000"},
		"not a string":   {"scope": "customer:self", auth.CustomerClaim: 42},
		"expired":        {"scope": "customer:self", auth.CustomerClaim: e.customerID, "exp": time.Now().Add(-time.Minute).Unix()},
	} {
		r := do(signed(c), readMe)
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	// It expires: a session past its exp is TOKEN_EXPIRED.
	expired := signed(map[string]any{"scope": "customer:self", auth.CustomerClaim: e.customerID, "exp": time.Now().Add(-time.Minute).Unix()})
	if r := do(expired, readMe); len(r.Errors) != 1 || r.Errors[0].Reason() != "TOKEN_EXPIRED" {
		t.Errorf("expired: %s", r.Raw)
	}
	// The platform minter refuses customer:self.
	if _, err := e.Auth.Mint(auth.TokenRequest{Subject: "s", Tenants: []string{"acme"}, Scopes: []string{viewer.ScopeCustomerSelf}, TTL: time.Minute}); err == nil {
		t.Error("Mint minted customer:self")
	}
}

// A session needs customers:sessions.
func TestCustomerSessionNeedsItsScope(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	r := e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: createSession,
		Variables: map[string]any{"input": map[string]any{"username": fixtureUsername, "password": fixturePassword}}})
	refusedWith(t, r, "FORBIDDEN", "MISSING_SCOPE")
	if strings.Contains(r.Raw, "token\":\"ey") {
		t.Error("a token was given")
	}
}

// A username or password no login can have is refused as input, with its
// path, before the throttle: it names nobody, so the refusal tells nothing,
// and it is not counted.
func TestCustomerSessionRefusesMalformedInput(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{UserFailures: 1, AddressFailures: 1})
	for _, tc := range []struct {
		name, username, password, field, reason string
	}{
		{"blank username", "  ", fixturePassword, "username", "REQUIRED"},
		{"NUL in the username", "marcus\u0000@example.com", fixturePassword, "username", "CONTAINS_NUL"},
		{"over-long username", strings.Repeat("a", 300) + "@example.com", fixturePassword, "username", "TOO_LONG"},
		{"empty password", fixtureUsername, "", "password", "REQUIRED"},
		{"NUL in the password", fixtureUsername, "Secure\u0000Pass123!", "password", "CONTAINS_NUL"},
		{"control in the password", fixtureUsername, "Secure\u001bPass123!", "password", "CONTROL_CHARACTER"},
		{"over-long password", fixtureUsername, strings.Repeat("Aa1!", 40), "password", "PASSWORD_TOO_LONG"},
	} {
		r := e.attempt(tc.username, tc.password)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != tc.field || r.Errors[0].Reason() != tc.reason {
			t.Errorf("%s: want BAD_USER_INPUT %s on %s, got %s", tc.name, tc.reason, tc.field, r.Raw)
		}
	}
	if n := e.Client().LoginThrottle.Query().CountX(e.As(e.tenantID)); n != 0 {
		t.Errorf("%d throttle rows after refused input, want none", n)
	}
	// A weak password is not refused as input: the policy may have changed
	// since a password was chosen. It is a wrong password.
	refusedWith(t, e.attempt(fixtureUsername, "weak"), "UNAUTHENTICATED", "INVALID_CREDENTIALS")
}

// With a public key configured the server holds no key to sign sessions
// with: createCustomerSession says so, before looking at the login.
func TestCustomerSessionNeedsASecret(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	env := testutil.NewWith(t, testutil.Options{Auth: auth.Config{PublicKeyPEM: pemKey, Algorithm: "RS256"}})
	env.Tenant("acme")
	tok := jwt.New()
	for k, v := range map[string]any{"sub": "s", "tenants": []string{"acme"}, "scope": viewer.ScopeCustomersSessions,
		"exp": time.Now().Add(time.Hour).Unix()} {
		if err := tok.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, key))
	if err != nil {
		t.Fatal(err)
	}
	r := env.Do(testutil.Request{Token: string(signed), TenantKey: "acme", Query: createSession,
		Variables: map[string]any{"input": map[string]any{"username": fixtureUsername, "password": fixturePassword}}})
	refusedWith(t, r, "FORBIDDEN", "CUSTOMER_SESSIONS_DISABLED")
	if env.Auth.CanMintSessions() {
		t.Error("CanMintSessions with a public key")
	}
}

// An organization's login (its admin's) opens a session for the
// organization.
func TestCustomerSessionOfAnOrganization(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	in := testutil.Fixture(t, "finhub-organization-employees.json")
	var reg struct {
		RegisterOrganization struct {
			ID string
		}
	}
	e.mutate(`mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`, in).Into(t, &reg)
	org := reg.RegisterOrganization
	var got struct {
		CreateCustomerSession struct {
			Token    string
			Customer struct{ ID, Type string }
		}
	}
	e.attempt(in["email"].(string), in["password"].(string)).Into(t, &got)
	want(t, "customer", got.CreateCustomerSession.Customer.ID+" "+got.CreateCustomerSession.Customer.Type, org.ID+" ORGANIZATION")
	var me struct{ Me struct{ ID, Type string } }
	e.Do(testutil.Request{Token: got.CreateCustomerSession.Token, TenantKey: "acme", Query: readMe}).Into(t, &me)
	want(t, "me", me.Me.ID, org.ID)
}
