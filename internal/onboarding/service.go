package onboarding

import (
	"context"
	"time"

	"onboard/ent"
)

// Service runs the lifecycle's changes and computes requirements.
type Service struct {
	Client *ent.Client
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Requirements computes the requirements of customerIDs now (Compute with
// the service's client and clock).
func (s *Service) Requirements(ctx context.Context, customerIDs []string) (map[string]*Requirements, error) {
	return Compute(ctx, s.Client, s.now(), customerIDs)
}
