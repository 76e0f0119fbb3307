package apperr

import (
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"onboard/ent"
	"onboard/ent/privacy"
	"onboard/internal/apperr/vocab"
)

// FromData maps an error of the data layer to the API's error model, the
// one place where that happens:
//
//   - ent's not found, and a privacy denial (another tenant's objects do
//     not exist for the caller), are NOT_FOUND;
//   - a violated unique constraint is CONFLICT / ALREADY_EXISTS naming the
//     field (fieldOf, when not nil, translates the column to the input
//     path);
//   - an outage is UNAVAILABLE (AsUnavailable: status 503, Retry-After).
//
// An error that is already the API's is returned as it is; any other is
// returned unchanged and will be presented as INTERNAL.
func FromData(err error, fieldOf func(column string) Path) error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return err
	}
	var l List
	if errors.As(err, &l) {
		return err
	}
	if isNotFound(err) {
		return &Error{Code: NotFound, Reason: vocab.ReasonNotFound, Message: "not found"}
	}
	if col, ok := UniqueViolation(err); ok {
		field := Path{LowerCamel(col)}
		if fieldOf != nil {
			field = fieldOf(col)
		}
		return AlreadyExists(field)
	}
	if ue := AsUnavailable(err); ue != nil {
		return ue
	}
	return err
}

// FromLookup maps the error of looking up a reference the client sent
// (a category, a feature, a role named by id or code) at field: not found
// is NOT_FOUND on field with message, which must not repeat the value
// sent; every other error keeps FromData's meaning (a database outage
// stays UNAVAILABLE, and an unknown error is INTERNAL, its text for the
// log only), because a reference the server could not look up is not a
// reference that does not exist.
func FromLookup(err error, field Path, message string) *Error {
	if isNotFound(err) {
		return &Error{Code: NotFound, Field: field, Reason: vocab.ReasonNotFound, Message: message}
	}
	var ae *Error
	if errors.As(FromData(err, nil), &ae) {
		return ae
	}
	return InternalError(err)
}

func isNotFound(err error) bool {
	return ent.IsNotFound(err) || errors.Is(err, privacy.Deny)
}

// AlreadyExists is the CONFLICT of a value already used where it must be
// unique: what a unique violation on field becomes, and what a check made
// before the write reports for it.
func AlreadyExists(field Path) *Error {
	return &Error{Code: Conflict, Field: field, Reason: vocab.ReasonAlreadyExists,
		Message: "this value is already used in the tenant"}
}

// LogText describes err for the log without the values a database message
// may quote (PostgreSQL's messages and details can carry the offending
// input, which may be personal data): a PostgreSQL error is reduced to its
// SQLSTATE, constraint, table and column, and an outage to its cause
// without the driver's text (a dial error names the database's address).
func LogText(err error) string {
	if cause, ok := Unavailability(err); ok {
		return "database unavailable: " + cause
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return "postgres error " + pgErr.Code + " constraint=" + pgErr.ConstraintName +
			" table=" + pgErr.TableName + " column=" + pgErr.ColumnName
	}
	return err.Error()
}

// sqliteUnique matches "UNIQUE constraint failed: roles.tenant_id, roles.code".
var sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: ([\w., ]+)`)

// pgKeyColumns matches the column list of PostgreSQL's unique violation
// detail, "Key (tenant_id, code)=(…) already exists." (the values are not
// read, they may be personal data).
var pgKeyColumns = regexp.MustCompile(`^Key \(([^)]*)\)=`)

// UniqueViolation reports whether err is a unique-constraint violation and,
// if so, the constrained column that is not tenant_id (the last one).
func UniqueViolation(err error) (column string, ok bool) {
	if err == nil {
		return "", false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if pgErr.Code != "23505" {
			return "", false
		}
		if m := pgKeyColumns.FindStringSubmatch(pgErr.Detail); m != nil {
			return lastBusinessColumn(strings.Split(m[1], ",")), true
		}
		return "", true
	}
	msg := err.Error()
	if m := sqliteUnique.FindStringSubmatch(msg); m != nil {
		cols := strings.Split(m[1], ",")
		for i, c := range cols {
			if _, after, found := strings.Cut(strings.TrimSpace(c), "."); found {
				cols[i] = after
			}
		}
		return lastBusinessColumn(cols), true
	}
	return "", false
}

func lastBusinessColumn(cols []string) string {
	for i := len(cols) - 1; i >= 0; i-- {
		c := strings.TrimSpace(cols[i])
		if c != "tenant_id" && c != "" {
			return c
		}
	}
	return ""
}

// LowerCamel turns a column name such as registration_number into the
// GraphQL field name registrationNumber.
func LowerCamel(column string) string {
	parts := strings.Split(column, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
