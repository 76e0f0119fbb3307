package schema

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"

	gen "onboard/ent"
	"onboard/ent/customertally"
	"onboard/ent/hook"
)

// tallyKeys are the columns of a tally's group, the conflict target of its
// upsert.
var tallyKeys = []string{
	customertally.FieldTenantID, customertally.FieldType, customertally.FieldStatus,
	customertally.FieldCountry, customertally.FieldCategoryID, customertally.FieldCreatedMonth,
}

// tallyGroup is the group of one customer.
type tallyGroup struct {
	tenantID, typ, status, country, categoryID, createdMonth string
}

// ErrTallyKeys refuses a customer mutation that would change the tallies
// of many customers at once (an update-many of a key, a delete): the hook
// cannot know each one's old group without reading them all.
var ErrTallyKeys = errors.New("customer tallies: change the status, country or category of customers one at a time (UpdateOne), and do not delete customers")

// tallyCustomers keeps CustomerTally right: a created customer adds 1 to
// its group; an update-one that changes a key moves 1 from the old group
// to the new; an update-many that sets a key, and any delete, are refused
// (ErrTallyKeys). See addTallies for when the tallies are written.
func tallyCustomers(next ent.Mutator) ent.Mutator {
	return hook.CustomerFunc(func(ctx context.Context, m *gen.CustomerMutation) (ent.Value, error) {
		switch {
		case m.Op().Is(ent.OpCreate):
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.Customer)
			if !ok {
				return nil, fmt.Errorf("customer tallies: created %T", v)
			}
			return v, addTallies(ctx, m, tallyDelta{groupOf(c), 1})
		case m.Op().Is(ent.OpUpdateOne):
			if !changesTallyKey(m) {
				return next.Mutate(ctx, m)
			}
			id, _ := m.ID()
			old, err := m.Client().Customer.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.Customer)
			if !ok {
				return nil, fmt.Errorf("customer tallies: updated %T", v)
			}
			from, to := groupOf(old), groupOf(c)
			if from == to {
				return v, nil
			}
			return v, addTallies(ctx, m, tallyDelta{from, -1}, tallyDelta{to, 1})
		case m.Op().Is(ent.OpUpdate):
			if changesTallyKey(m) {
				return nil, ErrTallyKeys
			}
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			return nil, ErrTallyKeys
		}
		return next.Mutate(ctx, m)
	})
}

// tallyDelta is what a mutation adds to the count of a group.
type tallyDelta struct {
	group tallyGroup
	n     int
}

// addTallies writes the deltas of mutation m. In a transaction (a
// registration's) it writes them as the transaction commits, inside it: a
// tally row is locked from its upsert to the commit, and every
// registration of the same group needs that lock, so taking it last keeps
// them from waiting on each other's whole transaction. Deltas go in the
// order of their groups, so that two transactions moving customers between
// the same two groups lock them in the same order (no deadlock). Outside
// a transaction it writes them at once.
func addTallies(ctx context.Context, m *gen.CustomerMutation, deltas ...tallyDelta) error {
	slices.SortFunc(deltas, func(a, b tallyDelta) int { return cmp.Compare(a.group.key(), b.group.key()) })
	write := func(client *gen.Client) error {
		for _, d := range deltas {
			if err := addTally(ctx, client, d.group, d.n); err != nil {
				return err
			}
		}
		return nil
	}
	tx, err := m.Tx()
	if err != nil {
		return write(m.Client())
	}
	tx.OnCommit(func(next gen.Committer) gen.Committer {
		return gen.CommitFunc(func(cctx context.Context, tx *gen.Tx) error {
			// ctx, not cctx: the mutation's viewer, whom the tally's
			// tenant policy checks. On an error nothing commits; ent
			// leaves the transaction open, so end it here.
			if err := write(tx.Client()); err != nil {
				_ = tx.Rollback()
				return err
			}
			return next.Commit(cctx, tx)
		})
	})
	return nil
}

// changesTallyKey tells whether m sets or clears a field of a tally's
// group (type and created_at are immutable).
func changesTallyKey(m *gen.CustomerMutation) bool {
	_, status := m.Status()
	_, country := m.Country()
	_, category := m.CategoryID()
	return status || country || category || m.CountryCleared() || m.CategoryIDCleared()
}

// key orders groups.
func (g tallyGroup) key() string {
	return strings.Join([]string{g.tenantID, g.typ, g.status, g.country, g.categoryID, g.createdMonth}, "\x00")
}

func groupOf(c *gen.Customer) tallyGroup {
	g := tallyGroup{
		tenantID:     c.TenantID,
		typ:          string(c.Type),
		status:       string(c.Status),
		country:      c.Country,
		createdMonth: c.CreatedAt.UTC().Format("2006-01"),
	}
	if c.CategoryID != nil {
		g.categoryID = *c.CategoryID
	}
	return g
}

// addTally adds n to the count of group g, creating its tally at n.
func addTally(ctx context.Context, client *gen.Client, g tallyGroup, n int) error {
	return client.CustomerTally.Create().
		SetTenantID(g.tenantID).SetType(g.typ).SetStatus(g.status).SetCountry(g.country).
		SetCategoryID(g.categoryID).SetCreatedMonth(g.createdMonth).SetCount(n).
		OnConflictColumns(tallyKeys...).
		AddCount(n).
		Exec(ctx)
}
