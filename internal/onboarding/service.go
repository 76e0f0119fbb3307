package onboarding

import (
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
