package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// sqlCounter counts the SQL statements an ent client sends, so that a test
// can prove a request's cost depends on the query's shape rather than on
// the number of rows it returns (issue 5: no N+1). It can also keep the
// text of each statement, because a bare count that grew tells nothing of
// which field caused it.
//
// Use it as testutil.Options{WrapDriver: counter.Wrap}. It counts every
// statement, authentication's tenant lookup included; compare counts of
// requests against each other, not against zero.
type sqlCounter struct {
	n atomic.Int64

	mu     sync.Mutex
	record bool
	stmts  []string
	// args are the recorded statements' arguments, stmts' parallel.
	args [][]any
}

// Wrap returns d counting into c; it is the shape testutil.Options.WrapDriver
// wants.
func (c *sqlCounter) Wrap(d dialect.Driver) dialect.Driver {
	return countingDriver{Driver: d, c: c}
}

// Reset sets the count to zero and forgets the recorded statements.
func (c *sqlCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.Store(0)
	c.stmts, c.args = nil, nil
}

// Count is the number of statements since the last Reset.
func (c *sqlCounter) Count() int64 { return c.n.Load() }

// Record turns keeping the statements' text on or off. It is off by
// default: seeding ten thousand customers need not fill memory with SQL.
func (c *sqlCounter) Record(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record = on
}

// Statements are the texts recorded since the last Reset, in order.
func (c *sqlCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.stmts...)
}

// recordedStatement is a statement as it was sent: its text and arguments.
type recordedStatement struct {
	Query string
	Args  []any
}

// Recorded are the statements recorded since the last Reset with their
// arguments, to run again (an EXPLAIN).
func (c *sqlCounter) Recorded() []recordedStatement {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]recordedStatement, len(c.stmts))
	for i, s := range c.stmts {
		text, _, _ := strings.Cut(s, " -- ")
		out[i] = recordedStatement{text, c.args[i]}
	}
	return out
}

// Measure resets the counter, records while fn runs, and returns the count
// and the statements fn caused.
func (c *sqlCounter) Measure(fn func()) (int64, []string) {
	c.Reset()
	c.Record(true)
	defer c.Record(false)
	fn()
	return c.Count(), c.Statements()
}

func (c *sqlCounter) add(query string, args any) {
	c.n.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.record {
		c.stmts = append(c.stmts, fmt.Sprintf("%s -- %d args", query, argCount(args)))
		a, _ := args.([]any)
		c.args = append(c.args, a)
	}
}

// argCount is how many arguments a statement carries: the number that
// grows with the page size in an eager load's IN (…), which makes it
// useful next to the text when two requests are compared.
func argCount(args any) int {
	if a, ok := args.([]any); ok {
		return len(a)
	}
	return 0
}

// statementSummary groups statements by their text (argument counts left
// out) with how often each ran, most frequent first: an N+1 shows as one
// text repeated once per row.
func statementSummary(stmts []string) string {
	counts := map[string]int{}
	var order []string
	for _, s := range stmts {
		text, _, _ := strings.Cut(s, " -- ")
		if counts[text] == 0 {
			order = append(order, text)
		}
		counts[text]++
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	var b strings.Builder
	for _, text := range order {
		fmt.Fprintf(&b, "%4d× %s\n", counts[text], text)
	}
	return b.String()
}

// countingDriver is dialect.DebugDriver's shape: every Exec and Query,
// directly or in a transaction, goes through the counter.
type countingDriver struct {
	dialect.Driver
	c *sqlCounter
}

func (d countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.c.add(query, args)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.c.add(query, args)
	return d.Driver.Query(ctx, query, args, v)
}

func (d countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, c: d.c}, nil
}

// BeginTx is there because ent's generated client opens transactions with
// options (isolation levels) through it when the driver has it.
func (d countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return nil, errors.New("the driver does not support BeginTx")
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, c: d.c}, nil
}

// countingTx counts the statements of a transaction.
type countingTx struct {
	dialect.Tx
	c *sqlCounter
}

func (t countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.add(query, args)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.add(query, args)
	return t.Tx.Query(ctx, query, args, v)
}
