// Package compat serves the drop-in REST routes of the systems Onboard
// replaces (FinHub, Cryptomate, the wallet platform, PCXPay): each takes
// its system's request body byte for byte, maps it to the registration
// inputs, registers it through the same registration.Service as the
// GraphQL mutations (no second set of rules), and answers in its system's
// own response shape and status codes, so that a client of one of them
// changes nothing but its base URL and credentials.
//
// This file holds what every route shares: the HTTP rules (method, content
// type, body size, JSON syntax), authentication and the scope, the
// registration call, and the mapping of apperr problems to statuses. Each
// system's file holds its body, its mapping and its answers.
package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"onboard/ent"
	"onboard/graph"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/auth"
	"onboard/internal/observe"
	"onboard/internal/registration"
	"onboard/internal/viewer"
)

// Handler serves the drop-in routes.
type Handler struct {
	// Registration is the service the GraphQL mutations call.
	Registration *registration.Service
	Client       *ent.Client
	Auth         *auth.Authenticator
	Logger       *slog.Logger
	// MaxBody bounds a request body (the server's MAX_BODY_BYTES).
	MaxBody int64
}

// The routes, under the prefix the server mounts them at.
const (
	PathFinHubIndividual   = "/compat/finhub/api/v2.1/customers/individual/register"
	PathFinHubOrganization = "/compat/finhub/api/v2.1/customer/organization/registration"
	PathCryptomate         = "/compat/cryptomate/management/clients/individuals"
	PathWallets            = "/compat/wallets/accounts/persons"
	PathPCXPay             = "/compat/pcxpay/v1/users/register"
)

// Routes mounts every route on r. Each takes every method, so that a GET
// or a preflight-less OPTIONS is answered 405 in its system's shape.
func (h *Handler) Routes(r chi.Router) {
	r.Handle(PathFinHubIndividual, h.route(finhubIndividual{}))
	r.Handle(PathFinHubOrganization, h.route(finhubOrganization{}))
	r.Handle(PathCryptomate, h.route(cryptomate{}))
	r.Handle(PathWallets, h.route(wallets{}))
	r.Handle(PathPCXPay, h.route(pcxpay{}))
}

// problem is one problem in a system's own terms: Field is the path of the
// body's field as the system names it ("address.country"), "" for the
// request as a whole.
type problem struct {
	Field   string
	Code    apperr.Code
	Reason  apperr.Reason
	Message string
	// Details are the apperr problem's extra facts (existingCustomerId).
	Details map[string]any
}

// system is one drop-in API: how it decodes its body, registers it and
// answers.
type system interface {
	// decode maps the body (a JSON object, syntax checked) to a
	// registration; every problem it finds is in problems. With problems,
	// the registration may still be given (what could be decoded), for
	// the service's rules to add theirs (see route).
	decode(ctx context.Context, body []byte) (*decoded, []problem)
	// fieldOf names, in the system's terms, the body field behind the
	// path of one of our input's problems.
	fieldOf(path apperr.Path) string
	// fail writes the system's error answer.
	fail(w http.ResponseWriter, r *http.Request, status int, problems []problem)
	// succeed writes the system's answer to a registration.
	succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error
}

// decoded is a decoded body: how to register it through the
// service, and how to validate it without registering.
type decoded struct {
	register func(ctx context.Context, s *registration.Service, origin registration.Origin) (*registration.Result, error)
	validate func(ctx context.Context, s *registration.Service, origin registration.Origin) error
}

func individual(in registration.IndividualInput) *decoded {
	return &decoded{
		register: func(ctx context.Context, s *registration.Service, o registration.Origin) (*registration.Result, error) {
			return s.RegisterIndividual(ctx, o, in)
		},
		validate: func(ctx context.Context, s *registration.Service, o registration.Origin) error {
			return s.ValidateIndividual(ctx, o, in)
		},
	}
}

func organization(in registration.OrganizationInput) *decoded {
	return &decoded{
		register: func(ctx context.Context, s *registration.Service, o registration.Origin) (*registration.Result, error) {
			return s.RegisterOrganization(ctx, o, in)
		},
		validate: func(ctx context.Context, s *registration.Service, o registration.Origin) error {
			return s.ValidateOrganization(ctx, o, in)
		},
	}
}

// route is the pipeline every route shares: the request line and headers,
// the credentials (before the body is read, so that no anonymous request
// makes the server read one), the scope, the body, the system's decoding,
// the registration and the answer.
func (h *Handler) route(sys system) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			h.refuse(w, r, sys, vocab.ReasonMethodNotAllowed, "this route takes POST")
			return
		}
		if !isJSON(r.Header.Get("Content-Type")) {
			h.refuse(w, r, sys, vocab.ReasonUnsupportedMediaType, "the body must be application/json")
			return
		}
		if r.ContentLength > h.MaxBody {
			w.Header().Set("Connection", "close")
			h.refuse(w, r, sys, vocab.ReasonBodyTooLarge, "the request body is larger than "+strconv.FormatInt(h.MaxBody, 10)+" bytes")
			return
		}
		v, failure := h.Auth.AuthenticateRequest(r)
		if failure != nil {
			if failure.Code == apperr.Unauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="onboard"`)
			}
			h.answerProblems(w, r, sys, []*apperr.Error{failure})
			return
		}
		ctx := viewer.NewContext(r.Context(), v)
		r = r.WithContext(ctx)
		if req := observe.FromContext(ctx); req != nil { // as observe.RecordViewer notes it
			req.TenantKey, req.Subject = v.TenantKey, v.Subject
		}
		if !v.Has(viewer.ScopeCustomersRegister) {
			h.answerProblems(w, r, sys, []*apperr.Error{apperr.ForbiddenScope(viewer.ScopeCustomersRegister)})
			return
		}
		body, ok := h.read(w, r, sys)
		if !ok {
			return
		}
		if msg := checkObject(body); msg != "" {
			h.refuse(w, r, sys, vocab.ReasonInvalidJSON, msg)
			return
		}
		reg, problems := sys.decode(ctx, body)
		if len(problems) > 0 {
			if reg != nil {
				problems = h.withRuleProblems(ctx, sys, reg, problems)
			}
			fail(w, r, sys, statusOf(problems), problems)
			return
		}
		res, err := reg.register(ctx, h.Registration, graph.OriginOf(ctx))
		if err != nil {
			h.answerError(w, r, sys, err)
			return
		}
		if err := sys.succeed(ctx, h, w, res); err != nil {
			h.answerError(w, r, sys, err)
		}
	})
}

// withRuleProblems adds to the body's own problems (a value of the wrong
// type, an unknown field, a value the system has no home for) the
// registration rules' problems with what could be decoded, so that one
// answer lists every problem; a field that already has a problem gets no
// second one (a value of the wrong type is also missing to the rules).
// Only BAD_USER_INPUT and NOT_FOUND problems are added: a conflict or an
// outage is for the request once its body is right.
func (h *Handler) withRuleProblems(ctx context.Context, sys system, reg *decoded, problems []problem) []problem {
	err := reg.validate(ctx, h.Registration, graph.OriginOf(ctx))
	seen := map[string]bool{}
	for _, p := range problems {
		seen[p.Field] = true
	}
	for _, e := range apperr.Flatten(err) {
		if e.Code != apperr.BadUserInput && e.Code != apperr.NotFound {
			continue
		}
		field := sys.fieldOf(e.Field)
		if len(e.Field) == 0 || seen[field] {
			continue
		}
		problems = append(problems, problem{Field: field, Code: e.Code, Reason: e.Reason, Message: e.Message, Details: e.Details})
	}
	return problems
}

// refuse answers a request refused before its body is decoded, with the
// status the catalogue gives reason.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, sys system, reason apperr.Reason, message string) {
	h.answerProblems(w, r, sys, []*apperr.Error{apperr.New(apperr.BadUserInput, reason, message)})
}

// answerError answers a registration's error: its problems in the
// system's terms, an outage 503 with Retry-After, anything else 500 with
// the cause in the log only.
func (h *Handler) answerError(w http.ResponseWriter, r *http.Request, sys system, err error) {
	problems := apperr.Flatten(err)
	if len(problems) == 1 && problems[0].Code == apperr.Internal {
		if cause := errors.Unwrap(problems[0]); cause != nil {
			h.log(r, cause)
		}
	}
	if len(problems) == 0 {
		if ue := apperr.AsUnavailable(err); ue != nil {
			problems = []*apperr.Error{ue}
		} else {
			h.log(r, err)
			problems = []*apperr.Error{apperr.InternalError(nil)}
		}
	}
	h.answerProblems(w, r, sys, problems)
}

func (h *Handler) log(r *http.Request, err error) {
	if h.Logger != nil {
		h.Logger.ErrorContext(r.Context(), "internal error", "requestId", middleware.GetReqID(r.Context()), "error", apperr.LogText(err))
	}
}

// answerProblems writes errs in the system's shape, each field named as
// the system names it.
func (h *Handler) answerProblems(w http.ResponseWriter, r *http.Request, sys system, errs []*apperr.Error) {
	problems := make([]problem, len(errs))
	status := 0
	for i, e := range errs {
		p := problem{Code: e.Code, Reason: e.Reason, Message: e.Message, Details: e.Details}
		if len(e.Field) > 0 {
			p.Field = sys.fieldOf(e.Field)
		}
		if e.Code == apperr.Internal {
			p.Message = "internal error"
		}
		problems[i] = p
		if entry, ok := vocab.Lookup(e.Reason); ok && entry.Status != 0 && status == 0 {
			status = entry.Status // a refusal of the request as a whole
		}
	}
	if status == 0 {
		status = statusOf(problems)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(apperr.RetryAfterSeconds))
	}
	fail(w, r, sys, status, problems)
}

// fail records the answer's codes for the access log and metrics, then
// writes the system's error answer.
func fail(w http.ResponseWriter, r *http.Request, sys system, status int, problems []problem) {
	codes := make([]string, len(problems))
	for i, p := range problems {
		codes[i] = string(p.Code)
	}
	observe.FromContext(r.Context()).SetErrors(codes)
	sys.fail(w, r, status, problems)
}

// statusOf is the status of an answer carrying problems: its first
// problem's code's, except that a problem with the body (BAD_USER_INPUT,
// and NOT_FOUND for a reference inside it: the route itself exists) is 400.
func statusOf(problems []problem) int {
	if len(problems) == 0 {
		return http.StatusInternalServerError
	}
	switch problems[0].Code {
	case apperr.BadUserInput, apperr.NotFound:
		return http.StatusBadRequest
	}
	return vocab.StatusOf(problems[0].Code)
}

// read reads the whole body, at most MaxBody bytes, before the request's
// deadline (see internal/server's graphqlFront.read, whose rules these are).
func (h *Handler) read(w http.ResponseWriter, r *http.Request, sys system) ([]byte, bool) {
	if deadline, ok := r.Context().Deadline(); ok {
		_ = http.NewResponseController(w).SetReadDeadline(deadline)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.MaxBody))
	if err == nil {
		return body, true
	}
	w.Header().Set("Connection", "close")
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		h.refuse(w, r, sys, vocab.ReasonBodyTooLarge, "the request body is larger than "+strconv.FormatInt(h.MaxBody, 10)+" bytes")
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		h.refuse(w, r, sys, vocab.ReasonBodyTimeout, "the request body did not arrive in time")
	default:
		h.refuse(w, r, sys, vocab.ReasonBodyUnreadable, "the request body could not be read to its end")
	}
	return nil, false
}

// isJSON accepts application/json, without a charset or in UTF-8.
func isJSON(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" {
		return false
	}
	charset, ok := params["charset"]
	return !ok || strings.EqualFold(charset, "utf-8")
}

// checkObject returns why body is not one JSON object ("" when it is). The
// message gives the offset, never the body: it holds passwords.
func checkObject(body []byte) string {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return "the request body is empty: send a JSON object"
	}
	if trimmed[0] != '{' {
		return "the request body must be a JSON object"
	}
	var v json.RawMessage
	if err := json.Unmarshal(body, &v); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return "the request body is not valid JSON: syntax error at byte offset " + strconv.FormatInt(syntaxErr.Offset, 10)
		}
		return "the request body is not valid JSON"
	}
	return ""
}

// writeJSON writes v as the answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// pathString renders our input path as FinHub names fields:
// individualCustomer.person.addresses[0].country.
func pathString(p apperr.Path) string { return p.String() }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
