package compat_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The machinery of the seed tables: where each field of a seed body lives
// once registered (home), and a walk of the body that fails on any leaf
// the table does not name, so that no table can silently leave a field
// out.

// home is where one leaf of a seed body lives after registration.
type home struct {
	// seed is the leaf's path in the body, "a.b[0].c"; "[*]" matches any
	// index.
	seed string
	// read is the path of the value in the customer read back through
	// GraphQL (readCustomerQuery): "[*]" takes the seed's indexes in
	// order, "[]" means some element. Empty when check does the work.
	read string
	// want turns the seed's value into the value read (nil: the same).
	want func(v any) any
	// check, when set, finds the value itself (passwords: by signing in).
	check func(t *testing.T, r *readBack, v any, idx []int)
	// how says the transformation in words, for the seed map.
	how string
}

// readBack is a registered customer as read through GraphQL, and its body.
type readBack struct {
	env      *compatEnv
	body     any
	customer any
}

// leaves lists every leaf of a decoded JSON value with its path; an empty
// object or array is a leaf too.
func leaves(v any, path string, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[path] = x
		}
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			leaves(e, p, out)
		}
	case []any:
		if len(x) == 0 {
			out[path] = x
		}
		for i, e := range x {
			leaves(e, path+"["+strconv.Itoa(i)+"]", out)
		}
	default:
		out[path] = v
	}
}

// pattern compiles a seed path with [*] into a regexp capturing indexes.
func pattern(seedPath string) *regexp.Regexp {
	q := regexp.QuoteMeta(seedPath)
	q = strings.ReplaceAll(q, `\[\*\]`, `\[(\d+)\]`)
	return regexp.MustCompile("^" + q + "$")
}

// match finds the table's home of leaf and the indexes its [*] took.
func match(table []home, leaf string) (*home, []int) {
	for i := range table {
		m := pattern(table[i].seed).FindStringSubmatch(leaf)
		if m == nil {
			continue
		}
		idx := make([]int, len(m)-1)
		for j, s := range m[1:] {
			idx[j], _ = strconv.Atoi(s)
		}
		return &table[i], idx
	}
	return nil, nil
}

// checkTableCoversBody fails on every leaf of body that no row of table
// names. (A row may name a field other bodies of the system have.)
func checkTableCoversBody(t *testing.T, table []home, body any) {
	t.Helper()
	all := map[string]any{}
	leaves(body, "", all)
	var missing []string
	for leaf := range all {
		if h, _ := match(table, leaf); h == nil {
			missing = append(missing, leaf)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("the table does not say where the body's %s lives", m)
	}
}

// checkHomes checks every leaf of the body at its home in the read.
func checkHomes(t *testing.T, table []home, r *readBack) {
	t.Helper()
	all := map[string]any{}
	leaves(r.body, "", all)
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, leaf := range keys {
		h, idx := match(table, leaf)
		if h == nil {
			continue // checkTableCoversBody reports it
		}
		v := all[leaf]
		if h.check != nil {
			t.Run(leaf, func(t *testing.T) { h.check(t, r, v, idx) })
			continue
		}
		want := v
		if h.want != nil {
			want = h.want(v)
		}
		if !found(r.customer, h.read, idx, want) {
			got, _ := json.Marshal(dig(r.customer, h.read, idx))
			t.Errorf("%s = %v: want %v at %s, got %s", leaf, v, want, h.read, got)
		}
	}
}

// segment splits a read path into its steps: names, "[n]", "[*]", "[]".
var segment = regexp.MustCompile(`[^.\[\]]+|\[\*\]|\[\]|\[\d+\]`)

// found reports whether the read holds want at path (some element, at a
// "[]" step).
func found(v any, path string, idx []int, want any) bool {
	return foundSteps(v, segment.FindAllString(path, -1), idx, want)
}

func foundSteps(v any, steps []string, idx []int, want any) bool {
	if len(steps) == 0 {
		return same(v, want)
	}
	s := steps[0]
	switch {
	case s == "[]":
		a, _ := v.([]any)
		return slices.ContainsFunc(a, func(e any) bool { return foundSteps(e, steps[1:], idx, want) })
	case s == "[*]":
		a, _ := v.([]any)
		if len(idx) == 0 || idx[0] >= len(a) {
			return false
		}
		return foundSteps(a[idx[0]], steps[1:], idx[1:], want)
	case strings.HasPrefix(s, "["):
		n, _ := strconv.Atoi(strings.Trim(s, "[]"))
		a, _ := v.([]any)
		if n >= len(a) {
			return false
		}
		return foundSteps(a[n], steps[1:], idx, want)
	}
	m, _ := v.(map[string]any)
	return foundSteps(m[s], steps[1:], idx, want)
}

// dig is the value at path, the first element at "[]" (for messages).
func dig(v any, path string, idx []int) any {
	for _, s := range segment.FindAllString(path, -1) {
		switch {
		case s == "[]":
			s = "[0]"
			fallthrough
		case strings.HasPrefix(s, "[") && s != "[*]":
			n, _ := strconv.Atoi(strings.Trim(s, "[]"))
			a, _ := v.([]any)
			if n >= len(a) {
				return nil
			}
			v = a[n]
		case s == "[*]":
			a, _ := v.([]any)
			if len(idx) == 0 || idx[0] >= len(a) {
				return nil
			}
			v, idx = a[idx[0]], idx[1:]
		default:
			m, _ := v.(map[string]any)
			v = m[s]
		}
	}
	return v
}

// same compares decoded JSON values, numbers as numbers.
func same(a, b any) bool {
	na, aNum := number(a)
	nb, bNum := number(b)
	if aNum && bNum {
		return na == nb
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// Transformations the tables name.

func upper(v any) any { return strings.ToUpper(fmt.Sprint(v)) }

func constant(c any) func(any) any { return func(any) any { return c } }

// dateOnly keeps the date of a date-time.
func dateOnly(v any) any { s := fmt.Sprint(v); return s[:10] }

// digits is a JSON number's digits as a string.
func digits(v any) any { return strconv.FormatFloat(v.(float64), 'f', -1, 64) }
