package registration

import (
	"context"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

const opRegisterIndividual = "registerIndividual"

// RegisterIndividual registers an individual customer with its person and
// login user. Every problem with the input comes back at once as an
// apperr.List; nothing is written unless all of it is valid.
func (s *Service) RegisterIndividual(ctx context.Context, in IndividualInput) (*Result, error) {
	fp := fingerprint(opRegisterIndividual, in.withoutPasswords())
	return s.register(ctx, opRegisterIndividual, fp, in.Password, func(ctx context.Context) (*pending, error) {
		minAge, err := s.minimumAge(ctx)
		if err != nil {
			return nil, err
		}
		ind, problems := normalizeIndividual(in, s.now(), minAge)
		roles, err := tenantRoles(ctx, s.Client)
		if err != nil {
			return nil, err
		}
		roleIDs := matchRoles(roles, ind.Roles, defaultIndividualRoles, &problems)
		var detail *Categorization
		if in.IndividualCustomer != nil {
			detail = in.IndividualCustomer.Categorization
		}
		cat, err := categorize(ctx, s.Client, categoryRequest{
			Type:       schematype.CustomerTypeIndividual,
			Ref:        in.CustomerCategory,
			RefPath:    apperr.Path{"customerCategory"},
			Detail:     detail,
			DetailPath: apperr.Path{"individualCustomer", "categorization"},
		}, &problems)
		if err != nil {
			return nil, err
		}
		if err := problems.Err(); err != nil {
			return nil, err
		}
		return &pending{
			password: ind.Password,
			write: func(ctx context.Context, tx *ent.Tx, customerID, hash string) error {
				return writeIndividual(ctx, tx, ind, roleIDs, cat, RequestFrom(ctx), customerID, hash)
			},
			fieldOf: conflictField(ind.Login, apperr.Path{"individualCustomer", "user"}, map[string]apperr.Path{
				"external_reference": {"externalReference"},
			}),
		}, nil
	})
}

// withoutPasswords is the input as fingerprinted: every password removed.
func (in IndividualInput) withoutPasswords() IndividualInput {
	in.Password, in.MatchingPassword = "", ""
	if in.IndividualCustomer != nil {
		c := *in.IndividualCustomer
		c.User = c.User.withoutPassword()
		in.IndividualCustomer = &c
	}
	return in
}

// withoutPassword is a copy of the user input without its password.
func (u *UserInput) withoutPassword() *UserInput {
	if u == nil {
		return nil
	}
	c := *u
	c.Password = nil
	return &c
}

// conflictField names the input field behind a violated unique column: the
// login's e-mail and username (on the user object only where the username
// is not the e-mail), and the columns in more.
func conflictField(l Login, userPath apperr.Path, more map[string]apperr.Path) func(string) apperr.Path {
	return func(column string) apperr.Path {
		switch column {
		case "email":
			return apperr.Path{"email"}
		case "username":
			if l.Username != l.LoginEmail {
				return userPath.With("username")
			}
			return apperr.Path{"email"}
		}
		return more[column]
	}
}

// defaultIndividualRoles are given to an individual whose request names no
// role, where the tenant has them.
var defaultIndividualRoles = []string{"ACCOUNT_OWNER", "USER"}

func writeIndividual(ctx context.Context, tx *ent.Tx, ind Individual, roleIDs []string, cat categorization, req Request, customerID, hash string) error {
	u, err := createUser(ctx, tx, ind.Login, roleIDs, hash)
	if err != nil {
		return err
	}
	p, err := createPerson(ctx, tx, ind.Person)
	if err != nil {
		return err
	}
	create := tx.Customer.Create().
		SetID(customerID).
		SetType(schematype.CustomerTypeIndividual).
		SetName(ind.CustomerName).
		SetUser(u).
		SetPerson(p).
		SetNillableCountry(primaryCountry(ind.Person.Addresses))
	if ind.ExternalReference != "" {
		create.SetExternalReference(ind.ExternalReference)
	}
	if len(ind.Tags) > 0 {
		create.SetTags(ind.Tags)
	}
	return createCustomer(ctx, tx, create, cat, req)
}
