package webhooks

import (
	"time"

	"onboard/ent"
)

// SigningSecrets is a stand-in for part C's (secrets.go) until its branch
// is merged; delete this file then. It returns the secrets that sign a
// delivery to ep at now: the current one, then the previous one while its
// overlap lasts.
func (b *Box) SigningSecrets(ep *ent.WebhookEndpoint, now time.Time) ([]string, error) {
	current, err := b.Open(ep.Secret)
	if err != nil {
		return nil, err
	}
	secrets := []string{current}
	if ep.PreviousSecret != "" && ep.PreviousSecretExpiresAt != nil && ep.PreviousSecretExpiresAt.After(now) {
		previous, err := b.Open(ep.PreviousSecret)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, previous)
	}
	return secrets, nil
}
