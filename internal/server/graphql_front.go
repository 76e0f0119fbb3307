package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/auth"
)

// graphqlFront holds the HTTP rules of /graphql, each in one place, so that
// every request gqlgen's transports see is one they can serve and every
// refusal has the documented shape (code, reason, requestId) and status:
//
//   - methods: GET and POST (OPTIONS is the transport's; a GET that
//     upgrades to a websocket goes to the subscriptions' transport); any
//     other is 405 with Allow: GET, POST;
//   - GET runs queries only: gqlgen's answer to a mutation over GET
//     becomes 405 MUTATION_OVER_GET with Allow: POST;
//   - a POST body must be application/json (UTF-8): anything else is 415.
//     The types a browser may post to another site without a CORS
//     preflight (forms, multipart, text/plain) therefore never reach
//     GraphQL, and since GET never mutates, no cross-site request can
//     change anything (CSRF), whatever a token's storage;
//   - the body is read whole before GraphQL, at most MAX_BODY_BYTES (413)
//     and by the request's deadline (408), and must be a JSON object whose
//     query/operationName are strings and variables/extensions objects
//     (400 INVALID_JSON, giving the offset, never the body);
//   - a 503 (the database is down) carries Retry-After.
//
// requests runs before authentication (it looks at headers only), bodies
// after it, so that no anonymous request makes the server read a body.
type graphqlFront struct {
	maxBody int64
}

// refuse answers a request the front turns away, all BAD_USER_INPUT, with
// the status the catalogue gives reason (405, 408, 413, 415 or 400).
func (f graphqlFront) refuse(w http.ResponseWriter, r *http.Request, reason apperr.Reason, message string) {
	apperr.Refuse(w, r, apperr.New(apperr.BadUserInput, reason, message))
}

// requests checks what the request line and headers say.
func (f graphqlFront) requests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fw := &frontWriter{ResponseWriter: w, r: r}
		switch r.Method {
		case http.MethodGet:
			if reason, msg := checkGETParams(r.URL.RawQuery); reason != "" {
				f.refuse(w, r, reason, msg)
				return
			}
		case http.MethodPost:
			if !isJSONBody(r.Header.Get("Content-Type")) {
				f.refuse(w, r, vocab.ReasonUnsupportedMediaType,
					"a POST body must be application/json")
				return
			}
			if r.ContentLength > f.maxBody {
				f.tooLarge(w, r)
				return
			}
		case http.MethodOptions:
		default:
			methodNotAllowed(w, r)
			return
		}
		// The one upgrade served is a websocket's (a GET with Upgrade:
		// websocket, for subscriptions; CORS checked its origin). Any
		// other Upgrade header (h2c) is ignored, as RFC 9110 §7.8 allows,
		// instead of making gqlgen refuse the request ("transport not
		// supported") when curl --http2 offers h2c.
		if !auth.IsWebsocketUpgrade(r) {
			r.Header.Del("Upgrade")
		}
		next.ServeHTTP(fw, r)
	})
}

// methodNotAllowed answers 405 with the methods the path takes: GET and
// POST on /graphql, GET everywhere else. The router calls it too, for
// methods it does not know (PROPFIND), which never reach the front.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow, msg := "GET", r.URL.Path+" takes GET"
	if r.URL.Path == "/graphql" {
		allow, msg = "GET, POST", "/graphql takes GET (queries) and POST"
	}
	w.Header().Set("Allow", allow)
	apperr.Refuse(w, r, apperr.New(apperr.BadUserInput, vocab.ReasonMethodNotAllowed, msg))
}

func (f graphqlFront) tooLarge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	f.refuse(w, r, vocab.ReasonBodyTooLarge,
		"the request body is larger than "+strconv.FormatInt(f.maxBody, 10)+" bytes")
}

// bodies reads and checks a POST body, then hands the transport the bytes.
func (f graphqlFront) bodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, ok := f.read(w, r)
		if !ok {
			return
		}
		if reason, msg := checkBody(body); reason != "" {
			f.refuse(w, r, reason, msg)
			return
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{bytes.NewReader(body), r.Body}
		next.ServeHTTP(w, r)
	})
}

// read reads the whole body, at most maxBody bytes, before the request's
// deadline. The body comes from the connection, which knows nothing of the
// request's context: without a read deadline a stalled body would hold the
// request until the server's ReadTimeout, and gqlgen would answer 200 with
// the reader's error (the sockets' addresses) as the message.
func (f graphqlFront) read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if deadline, ok := r.Context().Deadline(); ok {
		// Not supported by test recorders; the server's ReadTimeout
		// still applies then.
		_ = http.NewResponseController(w).SetReadDeadline(deadline)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, f.maxBody))
	if err == nil {
		return body, true
	}
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		f.tooLarge(w, r)
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		w.Header().Set("Connection", "close")
		f.refuse(w, r, vocab.ReasonBodyTimeout,
			"the request body did not arrive in time")
	default:
		w.Header().Set("Connection", "close")
		f.refuse(w, r, vocab.ReasonBodyUnreadable,
			"the request body could not be read to its end")
	}
	return nil, false
}

// isJSONBody accepts application/json, with no charset or UTF-8 (RFC 8259
// §8.1: JSON between systems is UTF-8). application/graphql-response+json
// names a response, for Accept.
func isJSONBody(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" {
		return false
	}
	charset, ok := params["charset"]
	return !ok || strings.EqualFold(charset, "utf-8")
}

// requestShape has the fields of gqlgen's graphql.RawParams, with the same
// JSON names, so that encoding/json matches keys exactly as the transport
// will (case-insensitively, every occurrence of a repeated key): whatever
// the transport could not decode is refused here, without the transport's
// answer, which repeats the whole body.
type requestShape struct {
	Query         jsonString `json:"query"`
	OperationName jsonString `json:"operationName"`
	Variables     jsonObject `json:"variables"`
	Extensions    jsonObject `json:"extensions"`
}

// jsonString accepts a JSON string or null without keeping it.
type jsonString struct{}

func (*jsonString) UnmarshalJSON(b []byte) error {
	if b[0] == '"' || string(b) == "null" {
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[string]()}
}

// jsonObject accepts a JSON object or null without keeping it.
type jsonObject struct{}

func (*jsonObject) UnmarshalJSON(b []byte) error {
	if b[0] == '{' || string(b) == "null" {
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[map[string]any]()}
}

// jsonKind names the kind of a JSON value for messages.
func jsonKind(b []byte) string {
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// checkBody returns the reason and message refusing body, or "" when it is
// a JSON object of the request's shape. Messages say where (byte offset,
// field) but never quote the body: it may hold passwords.
func checkBody(body []byte) (reason apperr.Reason, message string) {
	switch firstNonSpace(body) {
	case '{':
	case '[':
		return vocab.ReasonBatchNotSupported, "batched operations are not supported: send one operation per request"
	case 0:
		return vocab.ReasonInvalidJSON, "the request body is empty: send a JSON object with the query"
	default:
		return vocab.ReasonInvalidJSON, "the request body must be a JSON object with the query"
	}
	return checkJSON(body, &requestShape{}, "the request body")
}

// checkJSON decodes data into shape (requestShape or jsonObject); what
// names data in messages.
func checkJSON(data []byte, shape any, what string) (reason apperr.Reason, message string) {
	err := json.Unmarshal(data, shape)
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return "", ""
	case errors.As(err, &syntaxErr):
		return vocab.ReasonInvalidJSON, what + " is not valid JSON: syntax error at byte offset " + strconv.FormatInt(syntaxErr.Offset, 10)
	case errors.As(err, &typeErr):
		kind := "a string"
		if typeErr.Type.Kind() == reflect.Map {
			kind = "a JSON object"
		}
		if typeErr.Field == "" {
			return vocab.ReasonInvalidJSON, what + " must be " + kind + ", not " + typeErr.Value
		}
		return vocab.ReasonInvalidJSON, typeErr.Field + " in " + what + " must be " + kind + ", not " + typeErr.Value
	}
	return vocab.ReasonInvalidJSON, what + " is not valid JSON"
}

// checkGETParams checks a GET's query string as gqlgen's GET transport
// will read it: variables and extensions must be JSON objects.
func checkGETParams(rawQuery string) (reason apperr.Reason, message string) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return vocab.ReasonInvalidQueryString, "the query string does not decode (a bad %-escape or a semicolon)"
	}
	for _, name := range []string{"variables", "extensions"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		if reason, msg := checkJSON([]byte(v), &jsonObject{}, "the "+name+" parameter"); reason != "" {
			return reason, msg
		}
	}
	return "", ""
}

// firstNonSpace returns the first byte of b that is not JSON whitespace, 0
// when there is none.
func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// frontWriter completes the answers gqlgen writes: a 503 gets Retry-After,
// and the GET transport's 406 (its answer, without a code, to a mutation
// or subscription over GET, found only once the document is parsed) is
// answered 405 MUTATION_OVER_GET instead.
type frontWriter struct {
	http.ResponseWriter
	r           *http.Request
	wroteHeader bool
	// discard drops what gqlgen writes after its 406.
	discard bool
}

func (w *frontWriter) WriteHeader(code int) {
	if w.wroteHeader {
		if !w.discard {
			w.ResponseWriter.WriteHeader(code) // the server reports the mistake
		}
		return
	}
	w.wroteHeader = true
	switch {
	case code == http.StatusNotAcceptable && w.r.Method == http.MethodGet:
		w.discard = true
		w.Header().Set("Allow", "POST")
		apperr.Refuse(w.ResponseWriter, w.r,
			apperr.New(apperr.BadUserInput, vocab.ReasonMutationOverGET, "GET runs queries only: send mutations with POST"))
		return
	case code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "":
		w.Header().Set("Retry-After", strconv.Itoa(apperr.RetryAfterSeconds))
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *frontWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *frontWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
