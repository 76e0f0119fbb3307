package compat

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/apperr"
)

// FuzzDecoders feeds every drop-in route's decoder a body. The property:
// no decoder panics; a body that is not one JSON object is refused before
// any decoder sees it; every problem a decoder finds is a complete
// BAD_USER_INPUT entry (a reason, a message) whose message repeats no
// string value of the body (it may be personal data or a password); and a
// decoder either gives a registration or names at least one problem. CI
// runs it for a short fixed time (see .ci/run); its seeds are the systems'
// own bodies.
func FuzzDecoders(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*.json"))
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"phone_number": 1e400, "phone_country_code": -1, "address": {"state": 5}}`))
	f.Add([]byte(`{"type": "merchant", "id_type": "x", "org_member_role": "owner"}`))
	f.Add([]byte(`{"individualCustomer": {"person": {"gender": {}}}}`))
	systems := []system{finhubIndividual{}, finhubOrganization{}, cryptomate{}, wallets{}, pcxpay{}}
	f.Fuzz(func(t *testing.T, body []byte) {
		if msg := checkObject(body); msg != "" {
			var m map[string]any
			if json.Unmarshal(body, &m) == nil {
				t.Fatalf("a JSON object was refused: %s", msg)
			}
			return
		}
		secrets := stringValues(body)
		for _, sys := range systems {
			reg, problems := sys.decode(context.Background(), body)
			if reg == nil && len(problems) == 0 {
				t.Fatalf("%T gave neither a registration nor a problem", sys)
			}
			for _, p := range problems {
				if p.Code != apperr.BadUserInput || p.Reason == "" || p.Message == "" {
					t.Fatalf("%T: incomplete problem %+v", sys, p)
				}
				for _, s := range secrets {
					if strings.Contains(p.Message, s) {
						t.Fatalf("%T: the message %q repeats the body's value %q", sys, p.Message, s)
					}
				}
			}
		}
	})
}

// stringValues are the body's string values long enough to be telling.
func stringValues(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if len(x) >= 8 {
				out = append(out, x)
			}
		}
	}
	walk(v)
	return out
}
