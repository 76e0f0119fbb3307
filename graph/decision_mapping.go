package graph

import (
	"context"

	"onboard/graph/model"
	"onboard/internal/onboarding"
)

// decide applies a decision and answers the customer as the payload
// selects it.
func (r *Resolver) decide(ctx context.Context, action onboarding.Action, input onboarding.DecisionInput) (*model.CustomerDecisionPayload, error) {
	if err := r.Onboarding.Decide(ctx, action, input); err != nil {
		return nil, err
	}
	loaded, err := r.payloadCustomer(ctx, input.CustomerID)
	if err != nil {
		return nil, err
	}
	return &model.CustomerDecisionPayload{Customer: loaded}, nil
}
