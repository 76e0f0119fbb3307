package compat_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSeedMap renders the seed tables as the Markdown table "seed field →
// where it lives" of every system (the fields of each body, in the table's
// order), and with SEEDMAP_OUT set writes it to that file.
func TestSeedMap(t *testing.T) {
	inputs := map[string][]inputHome{"cryptomate-individual.json": cryptomateInputs, "wallets-person.json": walletsInputs, "pcxpay-user.json": pcxpayInputs}
	var b strings.Builder
	b.WriteString("# Seed field → where it lives\n\nGenerated from internal/compat's seed tables (`SEEDMAP_OUT=… go test ./internal/compat -run TestSeedMap`).\n" +
		"Read paths are in the customer read through GraphQL (`node(id:) { ... on Customer { … } }`); `[]` is some element of a list.\n")
	for _, c := range seedCases {
		var body any
		if err := json.Unmarshal(seed(t, c.file), &body); err != nil {
			t.Fatal(err)
		}
		all := map[string]any{}
		leaves(body, "", all)
		rows := map[string]bool{}
		for leaf := range all {
			if h, _ := match(c.homes, leaf); h != nil {
				rows[h.seed] = true
			}
		}
		fmt.Fprintf(&b, "\n## %s (`POST %s`)\n\n", c.file, c.path)
		byField := map[string]inputHome{}
		for _, h := range inputs[c.file] {
			byField[h.seed] = h
		}
		if _, ok := inputs[c.file]; ok {
			b.WriteString("| seed field | GraphQL input (registerIndividual) | where it lives | how |\n| --- | --- | --- | --- |\n")
		} else {
			b.WriteString("| seed field (= the GraphQL input path) | where it lives | how |\n| --- | --- | --- |\n")
		}
		for _, h := range c.homes {
			if !rows[h.seed] {
				continue
			}
			where := "`" + h.read + "`"
			if h.read == "" {
				where = "—"
			}
			if _, ok := inputs[c.file]; ok {
				ih := byField[h.seed]
				input := "—"
				if len(ih.inputs) > 0 {
					input = "`" + strings.Join(ih.inputs, "`, `") + "`"
				}
				how := strings.TrimSpace(strings.Join([]string{h.how, ih.how}, "; "))
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", h.seed, input, where, strings.Trim(how, "; "))
			} else {
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", h.seed, where, h.how)
			}
		}
		if c.file == "pcxpay-user.json" {
			b.WriteString("\nPCXPay fields its seed does not carry: `org_id` → `individualCustomer.organization.id` (`person.employments[0].organization.customer.id`), " +
				"`invited_by_user_id` → `invitedBy` (`invitedBy`), `created_by` → `createdBy` (`createdBy`); `TestPCXPayOrganizationByIDAndWho` checks them.\n")
		}
	}
	if out := os.Getenv("SEEDMAP_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
