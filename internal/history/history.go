// Package history appends a customer's history events (ent
// CustomerEvent): one row per change, written in the transaction that
// makes the change, so that a rolled-back change leaves no event and a
// committed one always has its event. The table is also the outbox that
// event delivery reads; rows are never updated, except by an erasure that
// redacts the personal values they hold.
package history

import (
	"context"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/ent"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Event is a change to record: its type (one of schematype.EventTypes),
// the customer it changed, what it concerns inside the customer when not
// the customer itself (a representative, a verification), the fields'
// before and after, and a decision's reason code and note.
type Event struct {
	CustomerID string
	Type       string
	SubjectID  string
	Changes    []schematype.FieldChange
	Reason     string
	Note       string
}

// Append writes ev inside tx with its actor (the token's subject) and the
// request id. The customer's version is not moved: Append is for the
// change that creates the customer (its registration, at version 1).
func Append(ctx context.Context, tx *ent.Tx, ev Event) error {
	create := tx.CustomerEvent.Create().
		SetCustomerID(ev.CustomerID).
		SetType(ev.Type).
		SetChanges(ev.Changes)
	if ev.SubjectID != "" {
		create.SetSubjectID(ev.SubjectID)
	}
	if v := viewer.FromContext(ctx); v != nil && v.Subject != "" {
		create.SetActor(truncate(v.Subject, schematype.MaxActorLen))
	}
	if id := middleware.GetReqID(ctx); id != "" {
		create.SetRequestID(truncate(id, schematype.MaxRequestIDLen))
	}
	if ev.Reason != "" {
		create.SetReason(ev.Reason)
	}
	if ev.Note != "" {
		create.SetNote(ev.Note)
	}
	if err := create.Exec(ctx); err != nil {
		return err
	}
	if committed, ok := ctx.Value(committedKey{}).(func()); ok {
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				err := next.Commit(ctx, tx)
				if err == nil {
					committed()
				}
				return err
			})
		})
	}
	return nil
}

type committedKey struct{}

// WithCommitted returns ctx in which a transaction that appended events
// calls committed after it commits (never after a rollback): the server
// wakes its sequencer with it, so that an event is sequenced, streamed and
// delivered at once instead of at the next poll. committed must not block.
func WithCommitted(ctx context.Context, committed func()) context.Context {
	return context.WithValue(ctx, committedKey{}, committed)
}

// Record appends ev inside tx and moves its customer's version by one (and
// its updated_at), so that an update sent with the version read before
// this change is refused as stale and an incremental sync sees the
// customer. Every change after registration records through here.
func Record(ctx context.Context, tx *ent.Tx, ev Event) error {
	if err := tx.Customer.UpdateOneID(ev.CustomerID).AddVersion(1).Exec(ctx); err != nil {
		return err
	}
	return Append(ctx, tx, ev)
}

// Change returns the change of field from before to after, or nil when
// they are the same; nil stands for a value absent (cleared or not set).
func Change(field string, before, after *string, personal bool) *schematype.FieldChange {
	if (before == nil) == (after == nil) && (before == nil || *before == *after) {
		return nil
	}
	return &schematype.FieldChange{Field: field, Before: before, After: after, Personal: personal}
}

// Changes collects the changes that are not nil.
func Changes(changes ...*schematype.FieldChange) []schematype.FieldChange {
	out := make([]schematype.FieldChange, 0, len(changes))
	for _, c := range changes {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// Text returns s as a value of a change: nil for "", which stands for a
// value absent.
func Text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
