package onboarding

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/ent/consent"
	"onboard/ent/consentdocument"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// consentCodePattern is a consent code: upper-case letters, digits and
// '_', starting with a letter (TERMS, PRIVACY_NOTICE), so that a code reads
// the same in a requirement's field (consents.TERMS) and in a URL.
var consentCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// ConsentDocumentInput is a consent document to publish; gqlgen binds
// PublishConsentDocumentInput to it (gqlgen.yml).
type ConsentDocumentInput struct {
	Code          string
	Title         string
	URL           string
	CustomerTypes []schematype.CustomerType
}

// PublishConsentDocument publishes the next version of the document code:
// one more than the highest published (1 for a new code). The versions
// are numbered under a lock on the tenant (PostgreSQL; SQLite writes one
// transaction at a time), so two publications racing on one code take two
// successive versions; the unique index (tenant, code, version) holds the
// rule for any other writer. The new version makes every acceptance of an
// earlier one insufficient.
func (s *Service) PublishConsentDocument(ctx context.Context, in ConsentDocumentInput) (*ent.ConsentDocument, error) {
	var problems apperr.List
	code := checkConsentCode(&problems, apperr.Path{"code"}, in.Code)
	title := catalog.RequiredText(&problems, apperr.Path{"title"}, in.Title, schematype.MaxConsentTitleLen)
	url := ""
	if err := values.Required(in.URL); err != nil {
		problems.Invalid(apperr.Path{"url"}, vocab.ReasonRequired, "a value is required")
	} else if url, err = values.ParseWebsite(in.URL); err != nil {
		problems.Invalid(apperr.Path{"url"}, values.ReasonOf(err), catalog.ProblemMessage(err))
	}
	types := make([]string, 0, len(in.CustomerTypes))
	for i, t := range in.CustomerTypes {
		path := apperr.Path{"customerTypes", i}
		switch {
		case !slices.Contains(t.Values(), string(t)):
			problems.Invalid(path, vocab.ReasonInvalidValue, "not a customer type")
		case slices.Contains(types, string(t)):
			problems.Invalid(path, vocab.ReasonDuplicate, "this customer type is given twice")
		default:
			types = append(types, string(t))
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	var doc *ent.ConsentDocument
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if err := catalog.LockTenant(ctx, tx); err != nil {
			return err
		}
		latest, err := tx.ConsentDocument.Query().Where(consentdocument.Code(code)).
			Order(ent.Desc(consentdocument.FieldVersion)).First(ctx)
		version := 1
		switch {
		case err == nil:
			version = latest.Version + 1
		case !ent.IsNotFound(err):
			return err
		}
		doc, err = tx.ConsentDocument.Create().
			SetCode(code).SetVersion(version).SetTitle(title).SetURL(url).SetCustomerTypes(types).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return doc.Unwrap(), nil
}

// Origin is where an acceptance came from: the client's address and user
// agent, as the HTTP layer saw them.
type Origin struct {
	IP, UserAgent string
}

// ConsentRef names one version of a consent document.
type ConsentRef struct {
	Code    string
	Version int
}

// AcceptConsentsInput is the consents a customer accepts; gqlgen binds
// AcceptConsentsInput to it (gqlgen.yml).
type AcceptConsentsInput struct {
	CustomerID string
	Consents   []ConsentRef
}

// ConsentsResult are the acceptances of the versions the call named (new
// or earlier ones) and the customer as the call left it.
type ConsentsResult struct {
	Consents []*ent.Consent
	Customer *ent.Customer
}

// AcceptConsents records the customer's acceptance of each listed version,
// with who accepted (the token's subject), from which address and user
// agent. It is allowed to a platform token with customers:manage and to
// the customer's own session, no one else. Every version named must be
// published and be the code's current one; every problem is reported at
// once, each on its consents.<i>. A version the customer already accepted
// gets no second row, so that a retried call changes nothing; a call that
// records something appends one consent.accepted event.
func (s *Service) AcceptConsents(ctx context.Context, origin Origin, in AcceptConsentsInput) (*ConsentsResult, error) {
	if err := actsFor(ctx, in.CustomerID, viewer.ScopeCustomersManage); err != nil {
		return nil, err
	}
	var problems apperr.List
	if in.CustomerID == "" {
		problems.Invalid(apperr.Path{"customerId"}, vocab.ReasonRequired, "a customer id is required")
	}
	switch n := len(in.Consents); {
	case n == 0:
		problems.Invalid(apperr.Path{"consents"}, vocab.ReasonRequired, "at least one consent is required")
	case n > schematype.MaxConsentsAccepted:
		problems.Invalid(apperr.Path{"consents"}, vocab.ReasonTooMany,
			fmt.Sprintf("at most %d consents are accepted at once", schematype.MaxConsentsAccepted))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	// The codes' text first: a code no document could have is refused
	// as what it is, on consents.<i>.code, not looked up.
	codes := make([]string, 0, len(in.Consents))
	refs := make([]ConsentRef, len(in.Consents))
	for i, ref := range in.Consents {
		refs[i] = ConsentRef{Code: checkConsentCode(&problems, apperr.Path{"consents", i, "code"}, ref.Code), Version: ref.Version}
		if refs[i].Code != "" {
			codes = append(codes, refs[i].Code)
		}
	}
	var out ConsentsResult
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c, err := lockedCustomer(ctx, tx, in.CustomerID, apperr.Path{"customerId"})
		if err != nil {
			return err
		}
		docs, err := tx.ConsentDocument.Query().Where(consentdocument.CodeIn(codes...)).All(ctx)
		if err != nil {
			return err
		}
		chosen := checkConsentRefs(&problems, refs, docs)
		if err := problems.Err(); err != nil {
			return err
		}
		ids := make([]string, len(chosen))
		for i, d := range chosen {
			ids[i] = d.ID
		}
		// The customer's row is locked: no other acceptance of these
		// versions can commit between this read and the writes below.
		held, err := tx.Consent.Query().Where(consent.CustomerID(c.ID), consent.DocumentIDIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		var creates []*ent.ConsentCreate
		var accepted []string
		for _, d := range chosen {
			if slices.ContainsFunc(held, func(h *ent.Consent) bool { return h.DocumentID == d.ID }) {
				continue
			}
			create := tx.Consent.Create().SetCustomerID(c.ID).SetDocumentID(d.ID).
				SetCode(d.Code).SetVersion(d.Version).
				SetIP(clip(origin.IP, schematype.MaxRegistrationIPLen)).
				SetUserAgent(clip(origin.UserAgent, schematype.MaxUserAgentLen))
			if v := viewer.FromContext(ctx); v != nil && v.Subject != "" {
				create.SetAcceptedBy(truncate(v.Subject, schematype.MaxActorLen))
			}
			creates = append(creates, create)
			accepted = append(accepted, fmt.Sprintf("%s@%d", d.Code, d.Version))
		}
		if len(creates) > 0 {
			if _, err := tx.Consent.CreateBulk(creates...).Save(ctx); err != nil {
				return err
			}
			list := strings.Join(accepted, ",")
			if err := history.Record(ctx, tx, history.Event{
				CustomerID: c.ID,
				Type:       schematype.EventConsentAccepted,
				Changes:    history.Changes(history.Change("consents", nil, &list, false)),
			}); err != nil {
				return err
			}
		}
		if out.Consents, err = tx.Consent.Query().
			Where(consent.CustomerID(c.ID), consent.DocumentIDIn(ids...)).
			Order(ent.Asc(consent.FieldCode)).All(ctx); err != nil {
			return err
		}
		out.Customer, err = tx.Customer.Get(ctx, c.ID)
		return err
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	// Read after the commit (their edges) through the client, not the
	// transaction.
	for i, c := range out.Consents {
		out.Consents[i] = c.Unwrap()
	}
	out.Customer = out.Customer.Unwrap()
	return &out, nil
}

// checkConsentRefs finds the document of each ref among docs (every
// version of the codes named) and reports, all at once, a ref named twice
// (DUPLICATE), one never published (UNKNOWN_CONSENT) and one a newer
// version replaces (CONSENT_VERSION_OUTDATED).
func checkConsentRefs(problems *apperr.List, refs []ConsentRef, docs []*ent.ConsentDocument) []*ent.ConsentDocument {
	latest := map[string]int{}
	for _, d := range docs {
		latest[d.Code] = max(latest[d.Code], d.Version)
	}
	chosen := make([]*ent.ConsentDocument, 0, len(refs))
	seen := map[string]bool{}
	for i, ref := range refs {
		path := apperr.Path{"consents", i}
		switch {
		case ref.Code == "":
			continue // refused for its text already
		case seen[ref.Code]:
			problems.Invalid(path, vocab.ReasonDuplicate, "this consent is given twice")
			continue
		}
		seen[ref.Code] = true
		at := slices.IndexFunc(docs, func(d *ent.ConsentDocument) bool {
			return d.Code == ref.Code && d.Version == ref.Version
		})
		switch {
		case at < 0:
			problems.Add(&apperr.Error{Code: apperr.NotFound, Field: path, Reason: vocab.ReasonUnknownConsent,
				Message: "the tenant has published no consent document with this code and version"})
		case ref.Version < latest[ref.Code]:
			e := apperr.Invalid(path.With("version"), vocab.ReasonConsentVersionOutdated,
				"a newer version of this consent document replaces this one: accept the current version")
			e.Details = map[string]any{"currentVersion": latest[ref.Code]}
			problems.Add(e)
		default:
			chosen = append(chosen, docs[at])
		}
	}
	return chosen
}

// checkConsentCode cleans a consent code and reports it when refused,
// blank or not of the code's format; it returns "" for a refused one.
func checkConsentCode(problems *apperr.List, path apperr.Path, s string) string {
	reported := len(*problems)
	code := catalog.RequiredText(problems, path, s, schematype.MaxConsentCodeLen)
	if code != "" && !consentCodePattern.MatchString(code) {
		problems.Invalid(path, vocab.ReasonInvalidFormat,
			"a consent code starts with an upper-case letter and has only upper-case letters, digits and '_'")
	}
	if len(*problems) > reported {
		return ""
	}
	return code
}

// ConsentsInForce returns, per customer id, its acceptances of the
// current version of each consent document: an acceptance of a version a
// newer one replaced is no longer in force and is left out. Two
// statements for any number of customers.
func ConsentsInForce(ctx context.Context, client *ent.Client, customerIDs []string) (map[string][]*ent.Consent, error) {
	out := make(map[string][]*ent.Consent, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	all, err := client.Consent.Query().Where(consent.CustomerIDIn(customerIDs...)).
		Order(ent.Asc(consent.FieldCode), ent.Asc(consent.FieldID)).All(ctx)
	if err != nil || len(all) == 0 {
		return out, err
	}
	current, err := CurrentConsentVersions(ctx, client)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Version == current[c.Code] {
			out[c.CustomerID] = append(out[c.CustomerID], c)
		}
	}
	return out, nil
}

// CurrentConsentVersions returns the tenant's highest published version
// of each consent code.
func CurrentConsentVersions(ctx context.Context, client *ent.Client) (map[string]int, error) {
	var rows []struct {
		Code    string `json:"code"`
		Version int    `json:"max"`
	}
	if err := client.ConsentDocument.Query().GroupBy(consentdocument.FieldCode).
		Aggregate(ent.As(ent.Max(consentdocument.FieldVersion), "max")).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Code] = r.Version
	}
	return out, nil
}

// actsFor refuses a viewer that may not act on customerID with a power
// a customer session shares with the platform's scope: a session for
// another customer is FORBIDDEN NOT_YOUR_CUSTOMER, a platform token
// without scope MISSING_SCOPE.
func actsFor(ctx context.Context, customerID string, scope viewer.Scope) error {
	v := viewer.FromContext(ctx)
	if v.ActsFor(customerID, scope) {
		return nil
	}
	if v != nil && v.CustomerID != "" {
		return apperr.New(apperr.Forbidden, vocab.ReasonNotYourCustomer, "a customer session acts only on its own customer")
	}
	return apperr.ForbiddenScope(string(scope))
}

// clip makes a header value safe to store: valid UTF-8 without control or
// invisible characters, trimmed, at most max characters. An acceptance's
// origin is metadata: an odd header is cleaned, never a reason to refuse.
func clip(s string, max int) string {
	return truncate(strings.TrimSpace(values.StripUnsafe(s)), max)
}
