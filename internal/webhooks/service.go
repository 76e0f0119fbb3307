package webhooks

import (
	"onboard/ent"
)

// Service manages a tenant's webhook endpoints: creation with a secret
// shown once, updates, enabling and disabling, secret rotation with an
// overlap, redeliveries, each written with its entry in the endpoint's
// log in one transaction.
type Service struct {
	Client   *ent.Client
	Box      *Box // nil without WEBHOOK_SECRET_KEY: endpoints cannot be created
	Settings Settings
}
