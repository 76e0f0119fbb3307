package registration

import (
	"context"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/employee"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// AddLoginInput is an addCustomerLogin request: a login user for a
// customer registered without one.
type AddLoginInput struct {
	CustomerID       string
	Email            string
	Password         string
	MatchingPassword string
	Username         *string
	Roles            []string
}

// AddCustomerLogin gives an individual customer that has no login user one, under
// registration's rules (checker.login: e-mail, password strength and
// repetition, username, roles; the same reasons), hashed through the
// Service's Hasher. The caller holds customers:manage, so any role of the
// tenant may be granted. A customer that already has a login is CONFLICT
// LOGIN_EXISTS, an e-mail or username taken CONFLICT ALREADY_EXISTS, and a
// customer the tenant does not have NOT_FOUND, an organization customer
// BAD_USER_INPUT CUSTOMER_TYPE_MISMATCH (its logins are its employees',
// addEmployee). The login starts as a
// registration's does (PENDING_ACTIVATION, inactive) unless the customer is
// already ACTIVE, whose login is then active as activation makes it; it is
// also the login of the person's first employment that has none. The change is
// a customer.login_added event.
func (s *Service) AddCustomerLogin(ctx context.Context, in AddLoginInput) (*ent.Customer, *ent.User, error) {
	idPath := apperr.Path{"customerId"}
	if !pulid.Valid(in.CustomerID, schematype.PrefixCustomer) {
		return nil, nil, apperr.NotFoundf(idPath, "no customer with this id")
	}
	c := &checker{}
	login := c.login(loginInput{
		Email: in.Email, Password: in.Password, MatchingPassword: in.MatchingPassword,
		User: &UserInput{Username: in.Username, Roles: in.Roles}, UserPath: apperr.Path{},
	})
	stored, err := s.Client.Customer.Query().Where(customer.ID(in.CustomerID)).WithUser().WithPerson().Only(ctx)
	if err != nil {
		return nil, nil, notFoundOn(err, idPath, "customer")
	}
	if stored.Type == schematype.CustomerTypeOrganization {
		// An organization's logins are its employees' (addEmployee), each
		// linked to the person it is; a customer-level login would hold
		// admin roles in the name of no one.
		return nil, nil, apperr.Invalid(idPath, vocab.ReasonCustomerTypeMismatch,
			"addCustomerLogin is for individual customers; an organization's logins are its employees' (addEmployee)")
	}
	if err := changeable(stored); err != nil {
		return nil, nil, err
	}
	if stored.Edges.User != nil {
		return nil, nil, loginExists(idPath)
	}
	roles, err := tenantRoles(ctx, s.Client)
	if err != nil {
		return nil, nil, err
	}
	roleIDs := matchRoles(roles, login.Roles, defaultIndividualRoles, grantsAll(ctx), &c.problems)
	if err := c.problems.Err(); err != nil {
		return nil, nil, err
	}
	fieldOf := conflictField(login, apperr.Path{}, nil)
	if err := s.firstTaken(ctx, loginUniques(login), fieldOf); err != nil {
		return nil, nil, err
	}
	hash, err := s.hash(ctx, login.Password)
	if err != nil {
		return nil, nil, err
	}
	if stored.Status == customer.StatusACTIVE {
		// Activation made the logins of an active customer active
		// (internal/onboarding); a login added later is not behind.
		login.UserStatus, login.IsActive = "ACTIVE", true
	}
	var u *ent.User
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if u, err = createUser(ctx, tx, login, roleIDs, hash); err != nil {
			return err
		}
		// The condition refuses a login added since the check above;
		// one added concurrently trips the unique users.customer_user.
		n, err := tx.Customer.Update().
			Where(customer.ID(stored.ID), customer.Not(customer.HasUser())).
			SetUser(u).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return loginExists(idPath)
		}
		if p := stored.Edges.Person; p != nil {
			// A login is one employee's (users.employee_user): the
			// person's first employment without a login gets it, as a
			// registration with a login would have linked it.
			ids, err := tx.Employee.Query().
				Where(employee.PersonID(p.ID), employee.Not(employee.HasUser())).
				Order(employee.ByCreatedAt(), employee.ByID()).Limit(1).IDs(ctx)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := tx.Employee.UpdateOneID(id).SetUser(u).Exec(ctx); err != nil {
					return err
				}
			}
		}
		var after snapshot
		after.add("user", "user", "id", history.Text(u.ID))
		after.add("user", "user", "status", history.Text(string(u.Status)))
		return history.Record(ctx, tx, history.Event{CustomerID: stored.ID, Type: schematype.EventCustomerLoginAdded,
			SubjectID: u.ID, Changes: diff(nil, after)})
	})
	if column, unique := apperr.UniqueViolation(err); unique && column == "customer_user" {
		// A concurrent addition committed first (users.customer_user is
		// unique: one login a customer).
		return nil, nil, loginExists(idPath)
	}
	if err != nil {
		return nil, nil, apperr.FromData(err, fieldOf)
	}
	return stored, u, nil
}

// loginExists is the CONFLICT of a login added to a customer that has one.
func loginExists(path apperr.Path) *apperr.Error {
	e := apperr.New(apperr.Conflict, vocab.ReasonLoginExists, "the customer already has a login user")
	e.Field = path
	return e
}
