package registration

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"onboard/internal/apperr"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// FuzzNormalizeIndividual and FuzzNormalizeOrganization feed the
// registration normalizers a JSON-decoded input, one of whose strings (the
// field-th, counting every string, *string, []string element and `any` in
// the input's field order; 0 changes none) is replaced by s. The property:
// they never panic, every problem is a complete BAD_USER_INPUT entry that
// does not repeat s, and what they accept without a problem is clean: every
// stored text passes values.CleanString unchanged (descriptions
// CleanMultiline), e-mails and usernames are in their stored form, phones
// are E.164, countries alpha-2, ownership shares finite and within 0–100.
// CI runs each for a short fixed time (see .ci/run).

func FuzzNormalizeIndividual(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, field uint16, s string) {
		var in IndividualInput
		if err := json.Unmarshal(data, &in); err != nil {
			in = finhubIndividual()
		}
		replaceString(&in, field, s)
		out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
		if checkProblems(t, problems, s) {
			checkClean(t, reflect.ValueOf(out), "Individual")
		}
	})
}

func FuzzNormalizeOrganization(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, field uint16, s string, share float64) {
		var in OrganizationInput
		if err := json.Unmarshal(data, &in); err != nil {
			return
		}
		replaceString(&in, field, s)
		if in.OrganizationCustomer != nil && in.OrganizationCustomer.Organization != nil && len(in.OrganizationCustomer.Organization.Representatives) > 0 {
			in.OrganizationCustomer.Organization.Representatives[0].OwnershipShare = &share
		}
		out, problems := normalizeOrganization(in, today, Settings{MinimumAge: 18})
		if !checkProblems(t, problems, s) {
			return
		}
		checkClean(t, reflect.ValueOf(out), "Organization")
		total := 0.0
		for _, r := range out.Representatives {
			if math.IsNaN(r.OwnershipShare) || r.OwnershipShare < 0 || r.OwnershipShare > 100 {
				t.Fatalf("accepted ownership share %v", r.OwnershipShare)
			}
			total += r.OwnershipShare
		}
		if total > 100+1e-9 {
			t.Fatalf("accepted shares totalling %v", total)
		}
	})
}

// replaceString sets the field-th string slot of *in to s (see above).
func replaceString(in any, field uint16, s string) {
	if field == 0 {
		return
	}
	var slots []reflect.Value
	stringSlots(reflect.ValueOf(in), &slots)
	if len(slots) == 0 {
		return
	}
	slot := slots[(int(field)-1)%len(slots)]
	if slot.Kind() == reflect.Interface {
		slot.Set(reflect.ValueOf(s))
	} else {
		slot.SetString(s)
	}
}

func stringSlots(v reflect.Value, out *[]reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			stringSlots(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			stringSlots(v.Field(i), out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			stringSlots(v.Index(i), out)
		}
	case reflect.String, reflect.Interface:
		if v.CanSet() {
			*out = append(*out, v)
		}
	}
}

// checkProblems fails on an incomplete problem and reports whether there
// were none.
func checkProblems(t *testing.T, problems apperr.List, s string) bool {
	t.Helper()
	for _, p := range problems {
		if p == nil || p.Code != apperr.BadUserInput || p.Reason == "" || p.Message == "" || len(p.Field) == 0 {
			t.Fatalf("incomplete problem %+v", p)
		}
		if len(s) >= 16 && strings.Contains(p.Message, s) {
			t.Fatalf("problem %q repeats the input", p.Message)
		}
	}
	return len(problems) == 0
}

var (
	e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	timeType    = reflect.TypeOf(time.Time{})
	contactType = reflect.TypeOf(Contact{})
)

// checkClean fails unless every string reachable from v is in the form it
// is stored in; name is the Go field holding v.
func checkClean(t *testing.T, v reflect.Value, name string) {
	t.Helper()
	switch {
	case v.Type() == timeType:
		return
	case v.Type() == contactType:
		c := v.Interface().(Contact)
		switch c.Type {
		case "EMAIL":
			checkString(t, "Email", c.Value)
		case "PHONE", "MOBILE", "FAX":
			checkString(t, "Phone", c.Value)
		case "WEBSITE":
			checkString(t, "Website", c.Value)
		default:
			checkString(t, "Value", c.Value)
		}
		checkString(t, "Type", c.Type)
		checkString(t, "Operator", c.Operator)
		checkString(t, "Purpose", c.Purpose)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkClean(t, v.Elem(), name)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkClean(t, v.Field(i), v.Type().Field(i).Name)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkClean(t, v.Index(i), name)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkClean(t, k, name)
		}
	case reflect.String:
		checkString(t, name, v.String())
	case reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			t.Fatalf("%s = %v accepted", name, f)
		}
	}
}

// checkString checks one stored string by the field it is in.
func checkString(t *testing.T, field, s string) {
	t.Helper()
	if s == "" || field == "Password" {
		return // empty is "absent"; the password is hashed, never stored
	}
	var got string
	var err error
	switch field {
	case "LoginEmail", "Email":
		got, err = values.ParseEmail(s)
	case "Username":
		got, err = values.ParseUsername(s, schematype.MaxEmailLen)
	case "Phone":
		if !e164Pattern.MatchString(s) {
			t.Fatalf("%s %q accepted, not E.164", field, s)
		}
		return
	case "Country", "Nationality", "IssuingCountry":
		got, err = values.ParseCountry(s)
	case "Website":
		got, err = values.ParseWebsite(s)
	case "Description":
		got, err = values.CleanMultiline(s, 0)
	default:
		got, err = values.CleanString(s, 0)
	}
	if err != nil || got != s {
		t.Fatalf("%s %q accepted, but it is not in its stored form (%q, %v)", field, s, got, err)
	}
}

// The seed corpora: each fixture as is, and with edge-case strings in a few
// of its fields. TestNormalizerSeedCorpora keeps the files in step with the
// fixtures; ONBOARD_WRITE_FUZZ_SEEDS=1 writes the missing ones.

var normalizerEdgeCases = []string{
	"marcus.jensen\u200b@example.com", "ｍarcus.jensen@example.com", "m\u0430rcus.jensen@example.com",
	"Marcus\x1b[31m", "Jen\u009bsen", "two\nlines", "\u3164", "\u202eteertS", "مهدی\u200cزاده", "NaN", "",
}

func TestNormalizerSeedCorpora(t *testing.T) {
	write := os.Getenv("ONBOARD_WRITE_FUZZ_SEEDS") == "1"
	ind, err := json.Marshal(finhubIndividual())
	if err != nil {
		t.Fatal(err)
	}
	var seeds []struct {
		target string
		args   []any
	}
	add := func(target string, args ...any) {
		seeds = append(seeds, struct {
			target string
			args   []any
		}{target, args})
	}
	add("FuzzNormalizeIndividual", ind, uint16(0), "")
	for i, s := range normalizerEdgeCases {
		add("FuzzNormalizeIndividual", ind, uint16(1+i*7), s)
	}
	for _, name := range []string{"finhub-organization.json", "finhub-organization-employees.json", "finhub-organization-categorized.json"} {
		org, err := json.Marshal(loadOrganization(t, name))
		if err != nil {
			t.Fatal(err)
		}
		add("FuzzNormalizeOrganization", org, uint16(0), "", 0.0)
		for i, s := range normalizerEdgeCases {
			add("FuzzNormalizeOrganization", org, uint16(1+i*11), s, float64(i*10))
		}
	}
	add("FuzzNormalizeOrganization", []byte("{}"), uint16(0), "", math.Inf(1))
	for _, seed := range seeds {
		content := encodeSeed(seed.args)
		sum := sha256.Sum256([]byte(content))
		dir := filepath.Join("testdata", "fuzz", seed.target)
		name := filepath.Join(dir, fmt.Sprintf("seed-%x", sum[:8]))
		got, err := os.ReadFile(name)
		switch {
		case err == nil && string(got) == content:
		case write:
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		default:
			t.Errorf("%s lacks the seed %s; run with ONBOARD_WRITE_FUZZ_SEEDS=1", seed.target, name)
		}
	}
}

// encodeSeed writes args in the "go test fuzz v1" format.
func encodeSeed(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		default:
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		}
	}
	return b.String()
}
