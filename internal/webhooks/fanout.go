package webhooks

import (
	"context"
	"slices"
	"time"

	"onboard/ent"
	"onboard/ent/privacy"
	"onboard/ent/webhookendpoint"
	"onboard/internal/events"
	"onboard/internal/viewer"
)

// fanoutBatch bounds the rows of one bulk insert (PostgreSQL takes at most
// 65535 parameters in a statement; a delivery has about ten).
const fanoutBatch = 500

// Fanout makes the deliveries of freshly sequenced events: one per event
// and enabled endpoint of its tenant that takes its type (an endpoint
// without types takes all), PENDING and due now. It is the sequencer's
// FanoutFunc, so it runs in the transaction that sequences the events: an
// event is sequenced exactly when its deliveries exist, and a crash
// between the two cannot lose one.
//
// A DISABLED endpoint gets no deliveries for the events sequenced while it
// is disabled (as Stripe does): enabling it again resumes with new events;
// what it missed can be asked for with redeliverEvent. The endpoints of
// all the events' tenants are read in one query, not one per event.
func Fanout(ctx context.Context, tx *ent.Tx, evs []events.Sequenced) error {
	if len(evs) == 0 {
		return nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	var tenants []string
	for _, ev := range evs {
		if !slices.Contains(tenants, ev.TenantID) {
			tenants = append(tenants, ev.TenantID)
		}
	}
	eps, err := tx.WebhookEndpoint.Query().
		Where(webhookendpoint.TenantIDIn(tenants...), webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldTenantID, webhookendpoint.FieldEventTypes).
		Order(ent.Asc(webhookendpoint.FieldID)).
		All(ctx)
	if err != nil || len(eps) == 0 {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	byTenant := map[string][]*ent.WebhookDeliveryCreate{}
	for _, ev := range evs {
		for _, ep := range eps {
			if ep.TenantID != ev.TenantID || !Takes(ep.EventTypes, ev.Type) {
				continue
			}
			byTenant[ev.TenantID] = append(byTenant[ev.TenantID], tx.WebhookDelivery.Create().
				SetEndpointID(ep.ID).
				SetEventID(ev.ID).
				SetEventType(ev.Type).
				SetNextAttemptAt(now))
		}
	}
	for _, tenant := range tenants {
		// The tenant hook stamps each row with its viewer's tenant.
		tctx := viewer.NewContext(ctx, &viewer.Viewer{Subject: "webhooks", TenantID: tenant})
		creates := byTenant[tenant]
		for len(creates) > 0 {
			n := min(len(creates), fanoutBatch)
			if err := tx.WebhookDelivery.CreateBulk(creates[:n]...).Exec(tctx); err != nil {
				return err
			}
			creates = creates[n:]
		}
	}
	return nil
}

// Takes reports whether an endpoint subscribed to types receives events
// of type t: every type when types is empty.
func Takes(types []string, t string) bool {
	return len(types) == 0 || slices.Contains(types, t)
}
