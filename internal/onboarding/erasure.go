package onboarding

import (
	"context"
	"slices"
	"strconv"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/consent"
	"onboard/ent/contact"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/employee"
	"onboard/ent/idempotencyrecord"
	"onboard/ent/identitydocument"
	"onboard/ent/loginthrottle"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/representative"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/internal/sessions"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// Erasure (GDPR article 17) redacts what a closed customer's records hold
// of people, irreversibly, and keeps what the tenant must retain: ids,
// dates, statuses, decisions and their reasons, verification references
// and outcomes, and the organization's business data. What counts as
// personal is what the ent schema marks (schema.PersonalData) plus the
// fields it cannot mark that hold a person's data (a person's date of
// birth, gender and nationality, a user's password hash, the customer's
// free-text tags); the customer's idempotency records and its logins'
// throttle rows are deleted. internal/server's
// TestErasureLeavesNoPersonalData walks the marks and fails on any that
// still holds a value, so a new personal field cannot be forgotten here.

// Erased is the placeholder of a personal value that may not be empty (a
// person's names, an address's street, a contact's value, a document's
// number): fixed, so that it tells nothing of what it replaced.
const Erased = "[erased]"

// ErasedLogin is the placeholder of an erased user's username and e-mail:
// unique per user (so per tenant, as both must be), and in a domain that
// cannot receive mail (RFC 6761).
func ErasedLogin(userID string) string { return "erased+" + userID + "@erased.invalid" }

// ErasureInput is erasePersonalData's input.
type ErasureInput struct {
	CustomerID string `json:"customerId"`
	Reason     string `json:"reason"`
}

// ErasedCount is how many records of one kind an erasure redacted.
type ErasedCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// The kinds of ErasedCount, in the order they are reported.
const (
	ErasedCustomers         = "customers"
	ErasedPersons           = "persons"
	ErasedAddresses         = "addresses"
	ErasedContacts          = "contacts"
	ErasedIdentityDocuments = "identityDocuments"
	ErasedUsers             = "users"
	ErasedOrganizations     = "organizations"
	ErasedConsents          = "consents"
	ErasedEvents            = "events"
)

// Erase redacts the personal data of the customer in.CustomerID, whose
// lifecycle has ended, in one transaction and records a
// customer.personal_data_erased event with the reason and the counts (no
// values). Only a customer in a terminal status — CLOSED, or REJECTED,
// which cannot be closed — can be erased (CONFLICT NOT_ERASABLE), and only
// once (CONFLICT ALREADY_ERASED):
// the erasure claims the customer with an UPDATE that names both
// conditions, so of two erasures racing exactly one redacts and the other
// is refused, on PostgreSQL as on SQLite.
func (s *Service) Erase(ctx context.Context, in ErasureInput) (*ent.Customer, []ErasedCount, error) {
	reason, err := erasureReason(in.Reason)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	var counts []ErasedCount
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c, err := customerOf(ctx, tx.Client(), in.CustomerID)
		if err != nil {
			return err
		}
		if err := erasable(c); err != nil {
			return err
		}
		claim := tx.Customer.Update().
			Where(customer.ID(c.ID), customer.StatusIn(StatusClosed, StatusRejected), customer.ErasedAtIsNil()).
			SetErasedAt(now).
			ClearRegistrationIP().ClearRegistrationUserAgent().ClearRegistrationDeviceID().
			ClearTags() // free text, which often holds names
		if c.Type == schematype.CustomerTypeIndividual {
			claim.SetName(Erased)
		}
		n, err := claim.Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 { // an erasure racing this one committed first
			return alreadyErased()
		}
		counts, err = redact(ctx, tx, c)
		if err != nil {
			return err
		}
		changes := make([]schematype.FieldChange, 0, len(counts))
		for _, k := range counts {
			changes = append(changes, schematype.FieldChange{Field: "erased." + k.Kind, After: history.Text(strconv.Itoa(k.Count))})
		}
		return history.Record(ctx, tx, history.Event{
			CustomerID: c.ID, Type: schematype.EventPersonalDataErased, Reason: reason, Changes: changes,
		})
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Client.Customer.Get(ctx, in.CustomerID)
	return c, counts, err
}

// erasureReason checks the reason given for an erasure: required, one
// line, at most schematype.MaxReasonCodeLen characters.
func erasureReason(s string) (string, error) {
	path := apperr.Path{"reason"}
	if err := values.Required(s); err != nil {
		return "", apperr.Invalid(path, vocab.ReasonRequired, "why the data is erased is required")
	}
	r, err := values.CleanString(s, schematype.MaxReasonCodeLen)
	if err != nil {
		return "", apperr.Invalid(path, values.ReasonOf(err), catalog.ProblemMessage(err))
	}
	return r, nil
}

// erasable refuses a customer whose lifecycle has not ended (Terminal),
// or already erased.
func erasable(c *ent.Customer) error {
	if c.ErasedAt != nil {
		return alreadyErased()
	}
	if !Terminal(c.Status) {
		e := apperr.New(apperr.Conflict, vocab.ReasonNotErasable,
			"only a CLOSED or REJECTED customer's personal data can be erased; this one is "+string(c.Status))
		e.Details = map[string]any{"status": string(c.Status)}
		return e
	}
	return nil
}

func alreadyErased() *apperr.Error {
	return apperr.New(apperr.Conflict, vocab.ReasonAlreadyErased, "this customer's personal data is already erased")
}

// redact blanks every personal value of c's graph inside tx and returns
// how many records of each kind it touched (the customer itself was
// redacted by the claim).
func redact(ctx context.Context, tx *ent.Tx, c *ent.Customer) ([]ErasedCount, error) {
	counts := []ErasedCount{{Kind: ErasedCustomers, Count: 1}}
	add := func(kind string, n int, err error) error {
		if err == nil {
			counts = append(counts, ErasedCount{Kind: kind, Count: n})
		}
		return err
	}
	persons, orgID, userIDs, err := peopleOf(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	n, err := tx.Person.Update().Where(person.IDIn(persons...)).
		SetFirstName(Erased).ClearMiddleName().SetLastName(Erased).ClearEmail().ClearPhone().
		ClearDateOfBirth().ClearGender().ClearPlaceOfBirth().ClearNationality().Save(ctx)
	if err := add(ErasedPersons, n, err); err != nil {
		return nil, err
	}
	// The organization's own addresses and contacts are redacted too: the
	// schema marks street, postal code and contact value as personal data
	// whoever they belong to (a sole trader's seat is its owner's home).
	n, err = tx.Address.Update().
		Where(address.Or(address.HasPersonWith(person.IDIn(persons...)), address.HasOrganizationWith(organization.ID(orgID)))).
		SetStreet(Erased).ClearLine2().ClearPostalCode().ClearAddressLine().Save(ctx)
	if err := add(ErasedAddresses, n, err); err != nil {
		return nil, err
	}
	n, err = tx.Contact.Update().
		Where(contact.Or(contact.HasPersonWith(person.IDIn(persons...)), contact.HasOrganizationWith(organization.ID(orgID)))).
		SetValue(Erased).Save(ctx)
	if err := add(ErasedContacts, n, err); err != nil {
		return nil, err
	}
	n, err = tx.IdentityDocument.Update().Where(identitydocument.HasPersonWith(person.IDIn(persons...))).
		SetNumber(Erased).Save(ctx)
	if err := add(ErasedIdentityDocuments, n, err); err != nil {
		return nil, err
	}
	if err := dropLoginTraces(ctx, tx, c.ID, userIDs); err != nil {
		return nil, err
	}
	// Each user's placeholder is its own (usernames and e-mails are
	// unique per tenant): one statement per login user, of which a
	// customer has one and an organization one per employee with a login.
	for _, id := range userIDs {
		err := tx.User.UpdateOneID(id).SetUsername(ErasedLogin(id)).SetEmail(ErasedLogin(id)).
			ClearPasswordHash().SetStatus(user.StatusCLOSED).SetIsActive(false).Exec(ctx)
		if err != nil {
			return nil, err
		}
	}
	counts = append(counts, ErasedCount{Kind: ErasedUsers, Count: len(userIDs)})
	if orgID != "" {
		err := tx.Organization.UpdateOneID(orgID).ClearTaxID().ClearTaxIDKey().Exec(ctx)
		if err := add(ErasedOrganizations, 1, err); err != nil {
			return nil, err
		}
	}
	rewrite := schematype.AllowHistoryRewrite(ctx)
	n, err = tx.Consent.Update().Where(consent.CustomerID(c.ID)).ClearIP().ClearUserAgent().Save(rewrite)
	if err := add(ErasedConsents, n, err); err != nil {
		return nil, err
	}
	n, err = redactHistory(rewrite, tx, c.ID)
	if err := add(ErasedEvents, n, err); err != nil {
		return nil, err
	}
	return counts, nil
}

// dropLoginTraces deletes what still ties the customer to its input and
// its logins: its idempotency records (a fingerprint of the whole
// registration input, replayable to confirm a guess of it) and the login
// throttle rows of its users' usernames (a hash of each username). Both
// are operational, not records the tenant must keep. Run before the users'
// usernames are replaced, while they can still be hashed.
func dropLoginTraces(ctx context.Context, tx *ent.Tx, customerID string, userIDs []string) error {
	if _, err := tx.IdempotencyRecord.Delete().Where(idempotencyrecord.CustomerID(customerID)).Exec(ctx); err != nil {
		return err
	}
	if len(userIDs) == 0 {
		return nil
	}
	usernames, err := tx.User.Query().Where(user.IDIn(userIDs...)).Select(user.FieldUsername).Strings(ctx)
	if err != nil {
		return err
	}
	keys := make([]string, len(usernames))
	for i, u := range usernames {
		keys[i] = sessions.ThrottleKey(sessions.KindUsername, u)
	}
	_, err = tx.LoginThrottle.Delete().Where(loginthrottle.KeyIn(keys...)).Exec(ctx)
	return err
}

// peopleOf finds the persons of c's graph (the individual's; an
// organization's representatives' and employees'), its organization's id
// and its login users (the customer's and its employees').
func peopleOf(ctx context.Context, tx *ent.Tx, c *ent.Customer) (persons []string, orgID string, users []string, err error) {
	if p, err := tx.Customer.QueryPerson(c).OnlyID(ctx); err == nil {
		persons = append(persons, p)
	} else if !ent.IsNotFound(err) {
		return nil, "", nil, err
	}
	if u, err := tx.Customer.QueryUser(c).OnlyID(ctx); err == nil {
		users = append(users, u)
	} else if !ent.IsNotFound(err) {
		return nil, "", nil, err
	}
	orgID, err = tx.Customer.QueryOrganization(c).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return persons, "", users, nil
	} else if err != nil {
		return nil, "", nil, err
	}
	reps, err := tx.Representative.Query().Where(representative.OrganizationID(orgID)).
		Select(representative.FieldPersonID).Strings(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	employees, err := tx.Employee.Query().Where(employee.OrganizationID(orgID)).All(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	persons = append(persons, reps...)
	for _, e := range employees {
		if e.PersonID != nil {
			persons = append(persons, *e.PersonID)
		}
	}
	employeeUsers, err := tx.Employee.Query().Where(employee.OrganizationID(orgID)).QueryUser().IDs(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	for _, u := range employeeUsers {
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	return persons, orgID, users, nil
}

// redactHistory clears, in c's history, the personal values of the
// changes (their field names and the personal mark stay, so the history
// still says what changed) and the notes. ctx must allow the rewrite
// (schematype.AllowHistoryRewrite). Each event's changes are its own JSON,
// so each event that holds any is one statement.
func redactHistory(ctx context.Context, tx *ent.Tx, customerID string) (int, error) {
	events, err := tx.CustomerEvent.Query().Where(customerevent.CustomerID(customerID)).All(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ev := range events {
		changed := ev.Note != ""
		changes := make([]schematype.FieldChange, len(ev.Changes))
		for i, ch := range ev.Changes {
			if ch.Personal && (ch.Before != nil || ch.After != nil) {
				ch.Before, ch.After, changed = nil, nil, true
			}
			changes[i] = ch
		}
		if !changed {
			continue
		}
		if err := tx.CustomerEvent.UpdateOne(ev).SetChanges(changes).ClearNote().Exec(ctx); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// customerOf reads the customer id names through client: one that is not
// there, in this tenant, is NOT_FOUND on customerId, and so is an id that
// is not a customer's at all (checked first, so that no text that cannot
// be an id, a NUL byte for one, reaches the database).
func customerOf(ctx context.Context, client *ent.Client, id string) (*ent.Customer, error) {
	if !pulid.Valid(id, schematype.PrefixCustomer) {
		return nil, apperr.NotFoundf(apperr.Path{"customerId"}, "no customer with this id")
	}
	c, err := client.Customer.Get(ctx, id)
	if err != nil {
		return nil, apperr.FromLookup(err, apperr.Path{"customerId"}, "no customer with this id")
	}
	return c, nil
}
