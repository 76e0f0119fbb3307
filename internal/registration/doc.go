// Package registration registers customers and manages an organization's
// people afterwards. A registration runs one pipeline for every customer
// kind (service.go): the Idempotency-Key replay, then a plan that checks
// everything — the rules that need no database, then the tenant's roles and
// the category with its features — and reports every problem at once with
// its path, the uniqueness of the login and references included, then the
// execution: the password is hashed and every row written in one
// transaction that first claims the Idempotency-Key. The dry run
// (validate.go) runs the same plan and stops before the execution.
//
// Where each rule lives:
//
//   - input.go, input_org.go: the input structs, which gqlgen binds to the
//     GraphQL inputs (gqlgen.yml), and what a fingerprint leaves out.
//   - service.go: the pipeline (Service.plan, Service.execute), the kind
//     interface through which individuals and organizations differ, and
//     the request they share (operation, password, fingerprint, the
//     categorization's place).
//   - individual.go, organization.go: each kind's plan and the shape of its
//     request (required objects, defaults, where each part is validated);
//     organization.go also holds the organization's own fields, its
//     employees and their telephone numbers.
//   - checker.go: the field primitives (text, required, e-mail, country,
//     phone, one-of) and the tags. The enum values, length limits and id
//     prefixes they check against are schema/schematype's, which the ent
//     schema uses too; the reasons are internal/apperr/vocab's constants,
//     and messages are sentences without the path (extensions.field).
//   - person.go: names, dates of birth, addresses, contacts, identity
//     documents.
//   - login.go: the login e-mail, password, username and status, role
//     references and their resolution among the tenant's roles, and which
//     input field a unique-column conflict names.
//   - ownership.go: positions, shares, the primary owner and beneficial
//     ownership, at registration and against stored representatives.
//   - categorize.go: the category, its features and their parameters; a
//     look-up that fails for another reason than a wrong reference (the
//     database unavailable) aborts the registration instead of being one
//     of its problems.
//   - uniqueness.go: whether a value unique per tenant (login e-mail,
//     username, external reference, registration number) is taken, checked
//     in one statement before hashing and answered as the unique index would.
//   - validate.go: the dry run, the plan without its execution.
//   - write.go: every row written (ent creates, updates and deletes).
//   - members.go: adding, changing and removing representatives and
//     employees, apart from registration but under the same rule files.
//   - update.go, update_input.go, update_write.go: updateIndividual and
//     updateOrganization, the changes after registration under the same
//     rule files: the version-conditional UPDATE (STALE_WRITE), what a
//     customer session may change, the stored rows with the changes
//     applied and checked at their input paths, and their write.
//   - changes.go: the field-level before/after of history events, with
//     the personal flags read from the schema's annotations. Registration
//     appends customer.registered, member changes member.* and updates
//     customer.updated, each in its own transaction (internal/history).
//   - idempotency.go, origin.go: Idempotency-Key records and the request
//     origin stored as the registration context.
package registration
