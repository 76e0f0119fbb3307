package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/registration"
	"onboard/internal/viewer"
)

// This file serves internal/compat, the drop-in REST routes: FinHub's
// bodies are our GraphQL inputs, so its routes decode them exactly as this
// endpoint decodes a registration's variables (the schema's coercion rules,
// then the generated unmarshalling into internal/registration's structs),
// and answer with the same organization lists as the GraphQL payload.

// The operations whose variable definitions give the input types their
// coercion rules; they are validated against the schema once.
var (
	individualOp   = compatOperation(`mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`)
	organizationOp = compatOperation(`mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`)
)

func compatOperation(doc string) *ast.OperationDefinition {
	q, err := gqlparser.LoadQuery(parsedSchema, doc)
	if err != nil {
		panic("graph: compat operation does not validate: " + err.Error())
	}
	return q.Operations[0]
}

// DecodeIndividualInput decodes input (a JSON object decoded with
// UseNumber, as the POST transport decodes variables) into a
// registerIndividual input, as the GraphQL endpoint would: an unknown
// field or a value of the wrong type is refused (the first one found, as
// GraphQL reports it), as BAD_USER_INPUT on its path inside the input with
// reason UNKNOWN_FIELD or INVALID_JSON_TYPE.
func DecodeIndividualInput(ctx context.Context, input map[string]any) (registration.IndividualInput, error) {
	var in registration.IndividualInput
	v, err := coerceInput(individualOp, input)
	if err != nil {
		return in, err
	}
	in, err = compatContext().unmarshalNRegisterIndividualInput2onboardᚋinternalᚋregistrationᚐIndividualInput(ctx, v)
	return in, inputError(err)
}

// DecodeOrganizationInput is DecodeIndividualInput for a
// registerOrganization input.
func DecodeOrganizationInput(ctx context.Context, input map[string]any) (registration.OrganizationInput, error) {
	var in registration.OrganizationInput
	v, err := coerceInput(organizationOp, input)
	if err != nil {
		return in, err
	}
	in, err = compatContext().unmarshalNRegisterOrganizationInput2onboardᚋinternalᚋregistrationᚐOrganizationInput(ctx, v)
	return in, inputError(err)
}

// compatContext is an execution context for unmarshalling inputs alone:
// input types carry no directives and call no resolver.
func compatContext() *executionContext {
	return newExecutionContext(&graphql.OperationContext{}, &executableSchema{}, nil)
}

// coerceInput runs the schema's variable coercion on input as op's $input.
func coerceInput(op *ast.OperationDefinition, input map[string]any) (any, error) {
	vars, err := validator.VariableValues(parsedSchema, op, map[string]any{"input": input})
	if err != nil {
		return nil, inputError(err)
	}
	return vars["input"], nil
}

// inputError turns a coercion or unmarshalling error into an apperr
// problem on its path inside the input. The message is ours: the parser's
// may repeat the value, which may be personal data.
func inputError(err error) error {
	if err == nil {
		return nil
	}
	var path apperr.Path
	msg := ""
	if gqlErr, ok := err.(*gqlerror.Error); ok {
		msg = gqlErr.Message
		for i, p := range gqlErr.Path {
			switch e := p.(type) {
			case ast.PathName:
				if i < 2 && (e == "variable" || e == "input") {
					continue // the variable's own place, not the input's
				}
				path = append(path, string(e))
			case ast.PathIndex:
				path = append(path, int(e))
			}
		}
	}
	if strings.Contains(msg, "unknown field") {
		return apperr.Invalid(path, vocab.ReasonUnknownField, "this field is not part of the input")
	}
	if strings.Contains(msg, "must be defined") || strings.Contains(msg, "cannot be null") {
		return apperr.Invalid(path, vocab.ReasonRequired, "a value is required")
	}
	return apperr.Invalid(path, vocab.ReasonInvalidJSONType, "the value has the wrong JSON type for this field")
}

// OrganizationPeople are the lists of FinHub's organization response, as
// the registerOrganization payload answers them.
type OrganizationPeople struct {
	Directors, Shareholders []*ent.Representative
	Employees, Admins       []*ent.Employee
}

// LoadOrganizationPeople reads the organization's lists with their people.
func LoadOrganizationPeople(ctx context.Context, client *ent.Client, organizationID string) (*OrganizationPeople, error) {
	var out OrganizationPeople
	var err error
	if out.Directors, err = directors(client, organizationID).WithPerson().All(ctx); err != nil {
		return nil, err
	}
	if out.Shareholders, err = shareholders(client, organizationID).WithPerson().All(ctx); err != nil {
		return nil, err
	}
	if out.Employees, err = employees(client, organizationID).WithPerson().WithRoles().All(ctx); err != nil {
		return nil, err
	}
	if out.Admins, err = admins(client, organizationID).WithPerson().WithRoles().All(ctx); err != nil {
		return nil, err
	}
	return &out, nil
}

// OriginOf is the request's origin as the registration resolvers pass it
// to the service: what the HTTP layer stored (WithOrigin) and the token's
// subject.
func OriginOf(ctx context.Context) registration.Origin { return origin(ctx) }

// MaskPersonalData is s as a field marked @personalData answers it to the
// context's viewer: whole with pii:read, else masked; "" stays "".
func MaskPersonalData(ctx context.Context, s string) string {
	if s == "" || viewer.FromContext(ctx).ReadsPersonalData() {
		return s
	}
	return mask(s)
}
