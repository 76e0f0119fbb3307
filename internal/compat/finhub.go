package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/ent"
	"onboard/graph"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/registration"
	"onboard/internal/viewer"
)

// FinHub's routes. FinHub's body is our GraphQL input (the mutations were
// built on it), so the body is decoded exactly as GraphQL decodes
// variables.input (graph.DecodeIndividualInput): the same field names,
// types and coercions, and, as GraphQL does, an unknown field is refused
// (UNKNOWN_FIELD on its path) where FinHub's own server ignored it: a
// field the client believes stored is never silently dropped, and a body
// answers the same here and on /graphql. A type mistake is reported alone,
// as GraphQL reports it; every rule of the registration (missing fields,
// e-mails, dates, countries, phones, categories …) is reported at once.
//
// Answers are FinHub's envelope {code, message, data}: code is the HTTP
// status; data is FinHub's payload on success (201; 200 for an
// Idempotency-Key replay) and {errors: [{field, code, reason, message}]}
// otherwise (field in our and FinHub's notation,
// individualCustomer.person.addresses[0].country).

type finhubIndividual struct{}

type finhubOrganization struct{}

// finhubEnvelope is FinHub's response envelope.
type finhubEnvelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// finhubError is one problem of a FinHub error answer.
type finhubError struct {
	Field   string        `json:"field,omitempty"`
	Code    apperr.Code   `json:"code"`
	Reason  apperr.Reason `json:"reason,omitempty"`
	Message string        `json:"message"`
	// ExistingCustomerID names the customer a duplicate matches.
	ExistingCustomerID any `json:"existingCustomerId,omitempty"`
}

// decodeGraphQLBody decodes body as the POST transport decodes variables.
func decodeGraphQLBody(body []byte) (map[string]any, []problem) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, []problem{{Code: apperr.BadUserInput, Reason: vocab.ReasonInvalidJSON, Message: "the request body must be a JSON object"}}
	}
	return m, nil
}

// inputProblems are the problems of a decoding error, named as FinHub
// names fields.
func inputProblems(err error) []problem {
	var out []problem
	for _, e := range apperr.Flatten(err) {
		out = append(out, problem{Field: pathString(e.Field), Code: e.Code, Reason: e.Reason, Message: e.Message})
	}
	return out
}

func (finhubIndividual) decode(ctx context.Context, body []byte) (*decoded, []problem) {
	m, problems := decodeGraphQLBody(body)
	if problems != nil {
		return nil, problems
	}
	in, err := graph.DecodeIndividualInput(ctx, m)
	if err != nil {
		return nil, inputProblems(err)
	}
	return individual(in), nil
}

func (finhubOrganization) decode(ctx context.Context, body []byte) (*decoded, []problem) {
	m, problems := decodeGraphQLBody(body)
	if problems != nil {
		return nil, problems
	}
	in, err := graph.DecodeOrganizationInput(ctx, m)
	if err != nil {
		return nil, inputProblems(err)
	}
	return organization(in), nil
}

func (finhubIndividual) fieldOf(p apperr.Path) string   { return pathString(p) }
func (finhubOrganization) fieldOf(p apperr.Path) string { return pathString(p) }

func (finhubIndividual) fail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	finhubFail(w, r, status, problems)
}

func (finhubOrganization) fail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	finhubFail(w, r, status, problems)
}

// finhubFail writes FinHub's error envelope, every problem listed.
func finhubFail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	errs := make([]finhubError, len(problems))
	for i, p := range problems {
		errs[i] = finhubError{Field: p.Field, Code: p.Code, Reason: p.Reason, Message: p.Message, ExistingCustomerID: p.Details["existingCustomerId"]}
	}
	msg := http.StatusText(status)
	if status == http.StatusBadRequest {
		msg = "Validation failed"
	}
	writeJSON(w, status, finhubEnvelope{Code: status, Message: msg, Data: map[string]any{
		"errors": errs, "requestId": middleware.GetReqID(r.Context()),
	}})
}

// successStatus is 201 for a registration, 200 for the replay of one.
func successStatus(res *registration.Result) int {
	if res.Replay {
		return http.StatusOK
	}
	return http.StatusCreated
}

// RegistrationComplete is FinHub's status of a registration (the GraphQL
// payload's RegistrationStatus).
const RegistrationComplete = "REGISTRATION_COMPLETE"

func (finhubIndividual) succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error {
	dups, err := possibleDuplicates(ctx, h, res.Customer.ID)
	if err != nil {
		return err
	}
	data := map[string]any{
		"possibleDuplicates": dups,
		"id":                 res.Customer.ID,
		"userId":             nil,
		"personId":           nil,
		"status":             RegistrationComplete,
		"idempotentReplay":   res.Replay,
	}
	if res.User != nil {
		data["userId"] = res.User.ID
	}
	if res.Person != nil {
		data["personId"] = res.Person.ID
	}
	status := successStatus(res)
	writeJSON(w, status, finhubEnvelope{Code: status, Message: "Customer registered successfully", Data: data})
	return nil
}

// OrganizationRegistered is FinHub's message for an organization.
const OrganizationRegistered = "Organization registered successfully"

func (finhubOrganization) succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error {
	people, err := graph.LoadOrganizationPeople(ctx, h.Client, res.Organization.ID)
	if err != nil {
		return apperr.FromData(err, nil)
	}
	dups, err := possibleDuplicates(ctx, h, res.Customer.ID)
	if err != nil {
		return err
	}
	email := ""
	if res.User != nil {
		email = res.User.Email
	}
	data := map[string]any{
		"id":                 res.Customer.ID,
		"organizationId":     res.Organization.ID,
		"tenantId":           viewer.FromContext(ctx).TenantKey,
		"email":              email,
		"status":             RegistrationComplete,
		"message":            OrganizationRegistered,
		"directors":          finhubRepresentatives(people.Directors),
		"shareholders":       finhubRepresentatives(people.Shareholders),
		"employees":          finhubEmployees(people.Employees),
		"adminEmployees":     finhubEmployees(people.Admins),
		"idempotentReplay":   res.Replay,
		"possibleDuplicates": dups,
	}
	status := successStatus(res)
	writeJSON(w, status, finhubEnvelope{Code: status, Message: OrganizationRegistered, Data: data})
	return nil
}

// finhubRepresentatives are representatives as FinHub lists them.
func finhubRepresentatives(reps []*ent.Representative) []map[string]any {
	out := make([]map[string]any, 0, len(reps))
	for _, rep := range reps {
		m := map[string]any{
			"id":                rep.ID,
			"personId":          rep.PersonID,
			"position":          rep.Position,
			"isPrimaryOwner":    rep.IsPrimaryOwner,
			"ownershipShare":    rep.OwnershipShare,
			"isBeneficialOwner": rep.IsBeneficialOwner,
		}
		if p := rep.Edges.Person; p != nil {
			m["firstName"], m["lastName"], m["email"] = p.FirstName, p.LastName, p.Email
		}
		out = append(out, m)
	}
	return out
}

// finhubEmployees are employees as FinHub lists them.
func finhubEmployees(emps []*ent.Employee) []map[string]any {
	out := make([]map[string]any, 0, len(emps))
	for _, e := range emps {
		roles := make([]string, 0, len(e.Edges.Roles))
		for _, r := range e.Edges.Roles {
			roles = append(roles, r.Code)
		}
		m := map[string]any{
			"id":         e.ID,
			"personId":   e.PersonID,
			"department": e.Department,
			"roles":      roles,
		}
		if p := e.Edges.Person; p != nil {
			m["firstName"], m["lastName"], m["email"] = p.FirstName, p.LastName, p.Email
		}
		out = append(out, m)
	}
	return out
}
