package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// presentError is the one place where errors become errors[] entries:
// application errors keep their code, field and reason; GraphQL parse and
// validation failures become BAD_USER_INPUT; an outage is UNAVAILABLE with
// status 503; anything else is INTERNAL, logged here with the request id
// and never shown to the client.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		reqID := middleware.GetReqID(ctx)
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Code != apperr.Internal {
			if ae.Code == apperr.Unavailable {
				// apperr.FromData or FromLookup met the outage.
				return unavailable(ctx, logger, gqlErr, ae, err, reqID)
			}
			gqlErr.Message = ae.Message
			gqlErr.Extensions = extensions(ae, reqID)
			return gqlErr
		}
		if ae != nil {
			// An INTERNAL *apperr.Error: its cause, when it has one, is
			// for the log (a panic was logged where it was recovered).
			if cause := errors.Unwrap(ae); cause != nil {
				logger.ErrorContext(ctx, "internal error", "requestId", reqID, "error", apperr.LogText(cause))
			}
			return internal(gqlErr, reqID)
		}
		if gqlErr.Err == nil || isGraphQLError(gqlErr) {
			// Produced by the parser, the validator, input coercion, or
			// entgql (which reports a missing node as NOT_FOUND).
			reason, _ := gqlErr.Extensions["code"].(string)
			code := apperr.BadUserInput
			switch {
			case reason == string(apperr.NotFound):
				// entgql's message repeats the id sent ("Could not resolve
				// to a node with the global id of …"): ours does not, and a
				// missing id reads like a malformed one.
				code = apperr.NotFound
				gqlErr.Message = "no node with this id"
			case reason == "":
				reason = string(vocab.ReasonGraphQLValidationFailed)
			}
			gqlErr.Extensions = map[string]any{"code": code, "reason": reason, "requestId": reqID}
			if gqlErr.Rule == "ValuesOfCorrectType" {
				gqlErr.Message = withoutValue(gqlErr.Message)
			}
			return gqlErr
		}
		if ue := apperr.AsUnavailable(err); ue != nil {
			return unavailable(ctx, logger, gqlErr, ue, err, reqID)
		}
		logger.ErrorContext(ctx, "internal error", "requestId", reqID, "error", apperr.LogText(err))
		return internal(gqlErr, reqID)
	}
}

// internal is the entry of an INTERNAL error: where it happened, and the
// request id that finds its log line, nothing of the error itself.
func internal(gqlErr *gqlerror.Error, reqID string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "internal error",
		Path:       gqlErr.Path,
		Locations:  gqlErr.Locations,
		Extensions: map[string]any{"code": apperr.Internal, "requestId": reqID},
	}
}

// unavailable presents an outage (ue, found in err): status 503 and
// Retry-After, so clients retry, and a warning in the log with the cause
// reduced to what LogText keeps.
func unavailable(ctx context.Context, logger *slog.Logger, gqlErr *gqlerror.Error, ue *apperr.Error, err error, reqID string) *gqlerror.Error {
	setStatus(ctx, ue.HTTPStatus())
	logger.WarnContext(ctx, "database unavailable", "requestId", reqID, "error", apperr.LogText(err))
	gqlErr.Message, gqlErr.Extensions = ue.Message, extensions(ue, reqID)
	return gqlErr
}

// withoutValue drops the offending value from a validation message about
// a literal in the query ("String cannot represent a non string value:
// 98765432123", "Expected value of type …, found {password: …}"): the
// literal may be a password or personal data.
func withoutValue(msg string) string {
	for _, sep := range []string{", found ", ": "} {
		if i := strings.Index(msg, sep); i >= 0 {
			return msg[:i] + " (the value is not repeated; send input as variables to get each problem with its path)"
		}
	}
	return msg
}

// isGraphQLError tells errors made by gqlgen for bad input (a variable of the
// wrong type, an unknown enum value) from errors returned by resolvers.
func isGraphQLError(e *gqlerror.Error) bool {
	var inner *gqlerror.Error
	return errors.As(e.Err, &inner) || e.Rule != ""
}

func extensions(e *apperr.Error, reqID string) map[string]any {
	ext := map[string]any{"code": e.Code, "requestId": reqID}
	if len(e.Field) > 0 {
		ext["field"] = []any(e.Field)
	}
	if e.Reason != "" {
		ext["reason"] = string(e.Reason)
	}
	for k, v := range e.Details {
		if _, taken := ext[k]; !taken {
			ext[k] = v
		}
	}
	return ext
}

// recoverPanic turns a resolver panic into an INTERNAL error; the stack
// goes to the log, the process and the other fields carry on.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver",
			"requestId", middleware.GetReqID(ctx), "panic", v, "stack", string(debug.Stack()))
		return apperr.InternalError(nil)
	}
}

// problemLists lets a mutation report several problems at once (every
// problem of a registration form): an apperr.List a resolver returns
// becomes a gqlerror.List, which gqlgen adds entry by entry, each on the
// field's response path with the problem's own input path in
// extensions.field.
//
// Only mutations return lists (internal/registration, internal/catalog),
// so the expansion is installed once per operation, on mutations alone:
// a field middleware runs for every field of every row, and a query's
// page of customers resolves hundreds of fields that never fail this way.
type problemLists struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = problemLists{}

func (problemLists) ExtensionName() string                   { return "ProblemLists" }
func (problemLists) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext wraps the operation's field middleware with
// expandProblems when the operation is a mutation.
func (problemLists) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	inner := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		return expandProblems(ctx, func(ctx context.Context) (any, error) { return inner(ctx, next) })
	}
	return nil
}

// expandProblems turns the apperr.List a resolver returns into a
// gqlerror.List on the field's path.
func expandProblems(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err == nil {
		return res, nil
	}
	var list apperr.List
	if errors.As(err, &list) {
		out := make(gqlerror.List, len(list))
		for i, e := range list {
			out[i] = gqlerror.WrapPath(graphql.GetPath(ctx), e)
		}
		return res, out
	}
	return res, err
}

// capErrors keeps at most max errors[] entries in an answer and ends the
// list with one entry saying how many more there were, so that no
// document, however wrong, answers megabytes of errors.
func capErrors(max int) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || len(resp.Errors) <= max {
			return resp
		}
		more := len(resp.Errors) - max
		code, ok := resp.Errors[max].Extensions["code"]
		if !ok {
			code = apperr.BadUserInput
		}
		resp.Errors = append(resp.Errors[:max:max], &gqlerror.Error{
			Message: fmt.Sprintf("and %d more errors", more),
			Extensions: map[string]any{
				"code":      code,
				"reason":    string(vocab.ReasonTooManyErrors),
				"requestId": middleware.GetReqID(ctx),
				"more":      more,
			},
		})
		return resp
	}
}
