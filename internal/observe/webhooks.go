package observe

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// webhookMetrics are the delivery worker's metrics (internal/webhooks).
type webhookMetrics struct {
	queueDepth      prometheus.Gauge
	attempts        *prometheus.CounterVec
	attemptDuration prometheus.Histogram
	deliveryLatency prometheus.Histogram
}

// attemptBuckets span one POST, from a receiver on the same network to
// the attempt timeout (WEBHOOK_TIMEOUT, 10 s by default).
var attemptBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// deliveryBuckets span an event's way to its receiver, from an immediate
// first attempt to retries hours later (WEBHOOK_BACKOFF_MAX, 1 h).
var deliveryBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600}

func newWebhookMetrics() *webhookMetrics {
	return &webhookMetrics{
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "onboard_webhook_queue_depth",
			Help: "Webhook deliveries PENDING (due or waiting for a retry), as the delivery worker last counted them.",
		}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onboard_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome (SUCCEEDED, HTTP_ERROR, TIMEOUT, CONNECTION_ERROR, BLOCKED_ADDRESS).",
		}, []string{"outcome"}),
		attemptDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "onboard_webhook_attempt_duration_seconds",
			Help:    "Duration of one webhook delivery attempt, from sending the request to the end of the answer or the failure.",
			Buckets: attemptBuckets,
		}),
		deliveryLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "onboard_webhook_delivery_latency_seconds",
			Help:    "Time from an event's commit (its created_at) to the receiver's 2xx, retries included.",
			Buckets: deliveryBuckets,
		}),
	}
}

func (w *webhookMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{w.queueDepth, w.attempts, w.attemptDuration, w.deliveryLatency}
}

// WebhookQueueDepth sets the count of PENDING deliveries.
func (m *Metrics) WebhookQueueDepth(n int) {
	if m == nil {
		return
	}
	m.webhooks.queueDepth.Set(float64(n))
}

// WebhookAttempt observes one attempt's outcome and duration.
func (m *Metrics) WebhookAttempt(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.webhooks.attempts.WithLabelValues(outcome).Inc()
	m.webhooks.attemptDuration.Observe(d.Seconds())
}

// WebhookDelivered observes the time from an event's commit to its
// receiver's 2xx.
func (m *Metrics) WebhookDelivered(sinceCommit time.Duration) {
	if m == nil {
		return
	}
	m.webhooks.deliveryLatency.Observe(sinceCommit.Seconds())
}
