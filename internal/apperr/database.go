package apperr

import (
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"onboard/ent"
	"onboard/ent/privacy"
)

// FromData maps an error of the data layer to the API's error model:
// not found → NOT_FOUND, a violated unique constraint → CONFLICT naming the
// field (fieldOf translates the column to the input path), a privacy denial →
// NOT_FOUND (another tenant's objects do not exist for the caller). Any
// other error is returned unchanged and will be presented as INTERNAL.
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
	switch {
	case ent.IsNotFound(err):
		return &Error{Code: NotFound, Reason: "NOT_FOUND", Message: "not found"}
	case errors.Is(err, privacy.Deny):
		return &Error{Code: NotFound, Reason: "NOT_FOUND", Message: "not found"}
	}
	if col, ok := UniqueViolation(err); ok {
		field := Path{LowerCamel(col)}
		if fieldOf != nil {
			field = fieldOf(col)
		}
		return AlreadyExists(field)
	}
	return err
}

// AlreadyExists is the CONFLICT of a value already used where it must be
// unique: what a unique violation on field becomes, and what a check made
// before the write reports for it.
func AlreadyExists(field Path) *Error {
	return &Error{Code: Conflict, Field: field, Reason: "ALREADY_EXISTS",
		Message: "a record with this " + field.String() + " already exists"}
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
