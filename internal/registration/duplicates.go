package registration

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/identitydocument"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/possibleduplicate"
	"onboard/ent/tenant"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Duplicate detection: beyond the unique keys (an e-mail, an external
// reference, a registration number as written), a registration is compared
// with the tenant's existing customers that look like the same person or
// organization. What a match does is the tenant's duplicatePolicy: REJECT
// refuses the registration (CONFLICT POSSIBLE_DUPLICATE, one problem per
// match, before any password is hashed); FLAG registers it and records
// each match as a possible_duplicates row in the registration's
// transaction.
//
// The rules:
//   - PERSON_NAME_BIRTH_DATE_DOCUMENT: an individual customer's person with
//     the same folded first and last name (values.FoldName), the same date
//     of birth and an identity document of the same normalized number
//     (normalizedNumber);
//   - PERSON_NAME_BIRTH_DATE_PHONE: the same names and date of birth and
//     the same phone (E.164);
//   - ORGANIZATION_REGISTRATION_NUMBER_COUNTRY: an organization customer
//     with the same normalized registration number and the same country
//     (the customer's country, copied from its primary address). The
//     number as written is unique per tenant already (ALREADY_EXISTS):
//     this rule finds "HRB 123-45" against "hrb12345";
//   - ORGANIZATION_TAX_ID: the same normalized tax id.
//
// Only customers count (not representatives or employees, whose persons
// belong to no individual customer), and never an erased one: its person
// has no date of birth left, and an erased organization is excluded by its
// erasedAt (its registration number is business data and stays).
//
// The search is one statement per registration whatever the tenant's size,
// bounded by maxDuplicateCandidates rows: a person's candidates are read
// through the (tenant_id, date_of_birth) index, and the names compared in
// Go, where folding accents is portable; a candidate's documents are read
// through the person's index on identity_documents, so the documents
// compared are those of the date of birth's persons alone. An
// organization's are looked up by equality on its stored keys
// (registration_number_key, tax_id_key: normalizedNumber of the number,
// written with it), through the (tenant_id, key) indexes, so the search
// reads the matching organizations alone however many the tenant has.
//
// The search runs twice: in the plan, so that a refused registration costs
// no password hash and a dry run answers it, and again inside the
// registration's transaction under a lock (recheckDuplicates), so that
// two identical registrations at the same moment do not both pass.

// maxDuplicates bounds the matches a registration reports or records.
const maxDuplicates = 10

// maxDuplicateCandidates bounds the rows the search reads: the persons of
// the date of birth whose phone or a document matches, before their names
// are compared.
const maxDuplicateCandidates = 50

// duplicate is a match of a registration against an existing customer.
type duplicate struct {
	existingCustomerID string
	rule               possibleduplicate.Rule
	// field is the input field that matched, for REJECT's problem.
	field apperr.Path
}

// duplicateSearch is a kind whose registrations are compared with the
// tenant's customers (both kinds are).
type duplicateSearch interface {
	// findDuplicates runs the search through q, or nothing when the
	// registration holds nothing to compare (q.dialect stays "").
	findDuplicates(ctx context.Context, q *duplicateQuery) ([]duplicate, error)
	// lockKeys name what the search compares on, for the lock that makes
	// concurrent registrations of the same values take turns.
	lockKeys(tenantID string) []string
}

// duplicateQuery is where a search runs, and the dialect it ran in ("" when
// it did not run).
type duplicateQuery struct {
	client  *ent.Client
	dialect string
}

// ran records the dialect of the statement the search built.
func (q *duplicateQuery) ran(s *entsql.Selector) { q.dialect = s.Dialect() }

// checkDuplicates runs k's search and applies the tenant's policy: under
// REJECT the matches are the registration's problems; under FLAG they are
// returned. The policy is read only when something matched, so a
// registration that looks like no one costs the search alone. searched is
// the dialect the search ran in, "" when there was nothing to compare.
func (s *Service) checkDuplicates(ctx context.Context, client *ent.Client, k kind) (found []duplicate, searched string, err error) {
	search, ok := k.(duplicateSearch)
	if !ok {
		return nil, "", nil
	}
	q := &duplicateQuery{client: client}
	found, err = search.findDuplicates(ctx, q)
	if err != nil || len(found) == 0 {
		return nil, q.dialect, err
	}
	policy, err := client.Tenant.Query().Where(tenant.ID(viewer.FromContext(ctx).TenantID)).
		Select(tenant.FieldDuplicatePolicy).String(ctx)
	if err != nil {
		return nil, q.dialect, err
	}
	if policy != schematype.DuplicatePolicyReject {
		return found, q.dialect, nil
	}
	problems := make(apperr.List, 0, len(found))
	for _, d := range found {
		e := apperr.New(apperr.Conflict, vocab.ReasonPossibleDuplicate,
			fmt.Sprintf("the registration looks like the existing customer %s (%s)", d.existingCustomerID, d.rule))
		e.Field = d.field
		e.Details = map[string]any{"existingCustomerId": d.existingCustomerID, "rule": string(d.rule)}
		problems = append(problems, e)
	}
	return nil, q.dialect, problems
}

// recheckDuplicates runs the plan's search again inside the registration's
// transaction tx, just before the customer is written, and answers as
// checkDuplicates: the plan's search ran before the password was hashed,
// and a registration of the same person may have committed since. On
// PostgreSQL the transaction first takes advisory locks on what the search
// compares (lockKeys: the tenant and the date of birth, the registration
// number, the tax id), so two such registrations take turns and the
// second sees the first: of two identical registrations under REJECT one
// is refused, under FLAG the second is flagged. Registrations that share
// none of these values never wait for each other. SQLite runs one write
// transaction at a time already.
func (s *Service) recheckDuplicates(ctx context.Context, tx *ent.Tx, p *plan) ([]duplicate, error) {
	search, ok := p.kind.(duplicateSearch)
	if !ok || p.searchedIn == "" {
		return nil, nil
	}
	if p.searchedIn == dialect.Postgres {
		if err := lockDuplicateKeys(ctx, tx, search.lockKeys(viewer.FromContext(ctx).TenantID)); err != nil {
			return nil, err
		}
	}
	found, _, err := s.checkDuplicates(ctx, tx.Client(), p.kind)
	return found, err
}

// lockDuplicateKeys takes a transaction-scoped advisory lock on each of
// keys, in one statement, in a fixed order (no two transactions wait for
// each other in a circle). A lock's number is a hash of its key computed
// here: nothing from the input reaches the SQL text.
func lockDuplicateKeys(ctx context.Context, tx *ent.Tx, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	locks := make([]string, len(keys))
	for i, k := range keys {
		h := fnv.New64a()
		h.Write([]byte("onboard-duplicates:" + k))
		locks[i] = fmt.Sprintf("pg_advisory_xact_lock(%d)::text", int64(h.Sum64()))
	}
	slices.Sort(locks)
	_, err := tx.Tenant.Query().Where(tenant.ID(viewer.FromContext(ctx).TenantID)).Modify(func(s *entsql.Selector) {
		s.Select(strings.Join(locks, " || ") + " AS locked")
	}).Strings(ctx)
	return err
}

// recordDuplicates writes the FLAG policy's matches of customerID inside
// the registration's transaction.
func recordDuplicates(ctx context.Context, tx *ent.Tx, customerID string, found []duplicate) error {
	if len(found) == 0 {
		return nil
	}
	rows := make([]*ent.PossibleDuplicateCreate, len(found))
	for i, d := range found {
		rows[i] = tx.PossibleDuplicate.Create().SetCustomerID(customerID).
			SetExistingCustomerID(d.existingCustomerID).SetRule(d.rule)
	}
	return tx.PossibleDuplicate.CreateBulk(rows...).Exec(ctx)
}

// normalizedNumber is the form in which identity document numbers,
// registration numbers and tax ids are compared, and the organization's
// stored keys (numberKey): ASCII letters upper-cased, spaces and dashes
// removed ("ab 123-456" = "AB123456"); other characters stay as written.
// Only ASCII letters change case so that SQL reproduces it exactly on
// both databases, whatever PostgreSQL's locale (normalizedSQL, and the
// migration that filled the keys of the organizations registered before
// them, migrations/20261202010958_add_compat_dropin.sql and
// internal/database's backfillKeys for SQLite).
func normalizedNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// numberKey is the stored duplicate key of a number: its normalizedNumber,
// or nil (NULL) when nothing is left, which matches no one.
func numberKey(s string) *string {
	if n := normalizedNumber(s); n != "" {
		return &n
	}
	return nil
}

// normalizedSQL writes column (qualified and quoted, as Selector.C gives
// it) in normalizedNumber's form, in dialect d: SQLite's UPPER changes
// ASCII letters alone; PostgreSQL's follows the locale, so TRANSLATE
// upper-cases the ASCII letters instead.
func normalizedSQL(b *entsql.Builder, d, column string) {
	inner := "REPLACE(REPLACE(" + column + ", ' ', ''), '-', '')"
	if d == dialect.Postgres {
		b.WriteString("TRANSLATE(" + inner + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')")
		return
	}
	b.WriteString("UPPER(" + inner + ")")
}

// normalizedIn is the predicate "column, normalized, is one of values".
func normalizedIn(d, column string, values []string) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		normalizedSQL(b, d, column)
		b.WriteString(" IN (")
		for i, v := range values {
			if i > 0 {
				b.Comma()
			}
			b.Arg(v)
		}
		b.WriteString(")")
	})
}

// personCandidate is a row of the person search: an individual customer's
// person, with one of its documents whose number matches (or none).
type personCandidate struct {
	CustomerID string         `sql:"customer_id"`
	FirstName  string         `sql:"first_name"`
	LastName   string         `sql:"last_name"`
	Phone      sql.NullString `sql:"phone"`
	Document   sql.NullString `sql:"document_number"`
}

// findDuplicates finds the individual customers whose person has the new
// person's names and date of birth, and its phone or one of its document
// numbers. A person without a date of birth, or with neither a phone nor
// a document, is compared with no one.
func (k *individualKind) findDuplicates(ctx context.Context, q *duplicateQuery) ([]duplicate, error) {
	p := k.ind.Person
	if p.DateOfBirth == nil || p.FirstName == "" || p.LastName == "" {
		return nil, nil
	}
	var numbers []string
	docIndex := map[string]int{} // normalized number → the first input document holding it
	for i, d := range p.Documents {
		n := normalizedNumber(d.Number)
		if _, seen := docIndex[n]; n != "" && !seen {
			docIndex[n] = i
			numbers = append(numbers, n)
		}
	}
	if p.Phone == "" && len(numbers) == 0 {
		return nil, nil
	}
	tenantID := viewer.FromContext(ctx).TenantID
	var rows []personCandidate
	err := q.client.Person.Query().Where(person.DateOfBirth(*p.DateOfBirth)).Modify(func(s *entsql.Selector) {
		q.ran(s)
		var matches []*entsql.Predicate
		columns := []string{
			entsql.As(s.C(person.CustomerColumn), "customer_id"), s.C(person.FieldFirstName),
			s.C(person.FieldLastName), s.C(person.FieldPhone),
		}
		if p.Phone != "" {
			matches = append(matches, entsql.EQ(s.C(person.FieldPhone), p.Phone))
		}
		if len(numbers) > 0 {
			d := entsql.Dialect(s.Dialect()).Table(identitydocument.Table).As("dup_doc")
			s.LeftJoin(d).OnP(entsql.And(
				entsql.ColumnsEQ(d.C(identitydocument.PersonColumn), s.C(person.FieldID)),
				entsql.EQ(d.C(identitydocument.FieldTenantID), tenantID),
				normalizedIn(s.Dialect(), d.C(identitydocument.FieldNumber), numbers),
			))
			matches = append(matches, entsql.NotNull(d.C(identitydocument.FieldNumber)))
			columns = append(columns, entsql.As(d.C(identitydocument.FieldNumber), "document_number"))
		} else {
			columns = append(columns, "NULL AS document_number")
		}
		s.Select(columns...).
			Where(entsql.And(entsql.NotNull(s.C(person.CustomerColumn)), entsql.Or(matches...))).
			OrderBy(s.C(person.CustomerColumn)).
			Limit(maxDuplicateCandidates)
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	first, last := values.FoldName(p.FirstName), values.FoldName(p.LastName)
	base := apperr.Path{"individualCustomer", "person"}
	var found []duplicate
	for _, r := range rows {
		if values.FoldName(r.FirstName) != first || values.FoldName(r.LastName) != last {
			continue
		}
		if r.Document.Valid {
			if i, ok := docIndex[normalizedNumber(r.Document.String)]; ok {
				found = append(found, duplicate{r.CustomerID, possibleduplicate.RulePERSON_NAME_BIRTH_DATE_DOCUMENT,
					base.With("identityDocuments", i, "number")})
			}
		}
		if p.Phone != "" && r.Phone.Valid && r.Phone.String == p.Phone {
			found = append(found, duplicate{r.CustomerID, possibleduplicate.RulePERSON_NAME_BIRTH_DATE_PHONE, k.phoneField()})
		}
	}
	return distinctDuplicates(found), nil
}

// lockKeys of an individual: its tenant and date of birth, which every
// person rule compares (the same date with other names waits too, briefly).
func (k *individualKind) lockKeys(tenantID string) []string {
	return []string{"person:" + tenantID + ":" + k.ind.Person.DateOfBirth.Format(time.DateOnly)}
}

// phoneField is the input field the individual's phone came from.
func (k *individualKind) phoneField() apperr.Path {
	if nonBlank(k.in.Phone) {
		return apperr.Path{"phone"}
	}
	return apperr.Path{"phoneNationalNumber"}
}

// organizationCandidate is a row of the organization search.
type organizationCandidate struct {
	CustomerID         string         `sql:"customer_id"`
	RegistrationNumber sql.NullString `sql:"registration_number_key"`
	TaxID              sql.NullString `sql:"tax_id_key"`
	Country            sql.NullString `sql:"country"`
}

// findDuplicates finds the organization customers, not erased, with the
// new organization's normalized registration number in the same country
// (both without one counts as the same), or its normalized tax id: one
// statement, equality on the stored keys within the tenant (the privacy
// filter's tenant_id), which the (tenant_id, key) indexes answer.
func (k *organizationKind) findDuplicates(ctx context.Context, q *duplicateQuery) ([]duplicate, error) {
	number, taxID := normalizedNumber(k.org.RegistrationNumber), normalizedNumber(k.org.TaxID)
	if number == "" && taxID == "" {
		return nil, nil
	}
	country := ""
	if c := primaryCountry(k.org.Addresses); c != nil {
		country = *c
	}
	tenantID := viewer.FromContext(ctx).TenantID
	var rows []organizationCandidate
	err := q.client.Organization.Query().Modify(func(s *entsql.Selector) {
		q.ran(s)
		c := entsql.Dialect(s.Dialect()).Table(customer.Table).As("dup_customer")
		s.Join(c).OnP(entsql.And(
			entsql.ColumnsEQ(c.C(customer.FieldID), s.C(organization.CustomerColumn)),
			entsql.EQ(c.C(customer.FieldTenantID), tenantID),
		))
		var matches []*entsql.Predicate
		if number != "" {
			sameCountry := entsql.IsNull(c.C(customer.FieldCountry))
			if country != "" {
				sameCountry = entsql.EQ(c.C(customer.FieldCountry), country)
			}
			matches = append(matches, entsql.And(entsql.EQ(s.C(organization.FieldRegistrationNumberKey), number), sameCountry))
		}
		if taxID != "" {
			matches = append(matches, entsql.EQ(s.C(organization.FieldTaxIDKey), taxID))
		}
		s.Select(entsql.As(c.C(customer.FieldID), "customer_id"), s.C(organization.FieldRegistrationNumberKey),
			s.C(organization.FieldTaxIDKey), c.C(customer.FieldCountry)).
			Where(entsql.And(entsql.IsNull(c.C(customer.FieldErasedAt)), entsql.Or(matches...))).
			OrderBy(c.C(customer.FieldID)).
			Limit(maxDuplicates)
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	base := apperr.Path{"organizationCustomer", "organization"}
	var found []duplicate
	for _, r := range rows {
		if number != "" && r.RegistrationNumber.Valid && r.RegistrationNumber.String == number &&
			r.Country.String == country {
			found = append(found, duplicate{r.CustomerID, possibleduplicate.RuleORGANIZATION_REGISTRATION_NUMBER_COUNTRY,
				base.With("registrationNumber")})
		}
		if taxID != "" && r.TaxID.Valid && r.TaxID.String == taxID {
			found = append(found, duplicate{r.CustomerID, possibleduplicate.RuleORGANIZATION_TAX_ID, base.With("taxId")})
		}
	}
	return distinctDuplicates(found), nil
}

// lockKeys of an organization: its tenant with its normalized
// registration number, and with its normalized tax id.
func (k *organizationKind) lockKeys(tenantID string) []string {
	var keys []string
	if n := normalizedNumber(k.org.RegistrationNumber); n != "" {
		keys = append(keys, "registration:"+tenantID+":"+n)
	}
	if n := normalizedNumber(k.org.TaxID); n != "" {
		keys = append(keys, "tax:"+tenantID+":"+n)
	}
	return keys
}

// distinctDuplicates keeps one match per customer and rule (a person may
// hold two documents of the same number), in the order of the customers'
// ids (their registration order) and then of the rules, at most
// maxDuplicates.
func distinctDuplicates(found []duplicate) []duplicate {
	rank := func(r possibleduplicate.Rule) int { return slices.Index(schematype.DuplicateRules, string(r)) }
	slices.SortStableFunc(found, func(a, b duplicate) int {
		return cmp.Or(strings.Compare(a.existingCustomerID, b.existingCustomerID), cmp.Compare(rank(a.rule), rank(b.rule)))
	})
	found = slices.CompactFunc(found, func(a, b duplicate) bool {
		return a.existingCustomerID == b.existingCustomerID && a.rule == b.rule
	})
	return found[:min(len(found), maxDuplicates)]
}

// PossibleDuplicate is a recorded match as the API shows it: the existing
// customer the registered one looks like, and the rule.
type PossibleDuplicate struct {
	Customer *ent.Customer
	Rule     possibleduplicate.Rule
}

// PossibleDuplicates reads the recorded possible duplicates of each of
// customerIDs, in two statements whatever their number: the records, then
// the existing customers through existing, which runs the customer query
// it is given (a caller eager-loads what it shows). A customer the tenant
// no longer shows is left out.
func PossibleDuplicates(ctx context.Context, client *ent.Client, customerIDs []string,
	existing func(*ent.CustomerQuery) ([]*ent.Customer, error)) (map[string][]*PossibleDuplicate, error) {
	records, err := client.PossibleDuplicate.Query().
		Where(possibleduplicate.CustomerIDIn(customerIDs...)).
		Order(possibleduplicate.ByCustomerID(), possibleduplicate.ByExistingCustomerID(), possibleduplicate.ByRule()).
		All(ctx)
	if err != nil || len(records) == 0 {
		return map[string][]*PossibleDuplicate{}, err
	}
	var ids []string
	for _, r := range records {
		if !slices.Contains(ids, r.ExistingCustomerID) {
			ids = append(ids, r.ExistingCustomerID)
		}
	}
	customers, err := existing(client.Customer.Query().Where(customer.IDIn(ids...)))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*ent.Customer, len(customers))
	for _, c := range customers {
		byID[c.ID] = c
	}
	out := make(map[string][]*PossibleDuplicate, len(customerIDs))
	for _, r := range records {
		if c := byID[r.ExistingCustomerID]; c != nil {
			out[r.CustomerID] = append(out[r.CustomerID], &PossibleDuplicate{Customer: c, Rule: r.Rule})
		}
	}
	return out, nil
}
