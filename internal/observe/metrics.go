package observe

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MaxOperationNames bounds the distinct operation names that become
// metric labels. Names are chosen by clients, so without a bound anyone
// could grow the server's memory and every scrape with a new series per
// request; past the bound, and for documents that did not validate, the
// label is OtherOperation.
const MaxOperationNames = 200

// OtherOperation is the operation label of names past MaxOperationNames
// and of documents that did not validate. Anonymous operations are "".
const OtherOperation = "other"

// latencyBuckets span the API's answers, from a cached read (~1 ms) to a
// registration waiting for a hashing slot or the request timeout.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// Metrics are the server's Prometheus metrics in a registry of their own
// (the default registry is a package-level global, which DESIGN rules
// out; each server, and each test, has its own). A nil *Metrics records
// nothing.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	opDuration    *prometheus.HistogramVec
	registrations *prometheus.CounterVec
	validations   *prometheus.CounterVec
	hashWait      prometheus.Histogram
	webhooks      *webhookMetrics

	mu    sync.RWMutex
	names map[string]struct{}
}

// NewMetrics registers the service's metrics, the pool statistics of db
// (when not nil) and the Go runtime and process collectors.
func NewMetrics(db *sql.DB) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		names:    map[string]struct{}{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onboard_graphql_requests_total",
			Help: "Requests to /graphql by operation name, operation type and outcome (the first error's extensions.code, or OK).",
		}, []string{"operation", "type", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "onboard_http_request_duration_seconds",
			Help:    "HTTP request latency by route and status.",
			Buckets: latencyBuckets,
		}, []string{"route", "method", "status"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "onboard_graphql_operation_duration_seconds",
			Help:    "GraphQL operation latency (parsing, validation and execution) by operation name and type.",
			Buckets: latencyBuckets,
		}, []string{"operation", "type"}),
		registrations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onboard_registrations_total",
			Help: "Customer registrations by customer type and outcome (OK, REPLAY for an Idempotency-Key replay, or the error code).",
		}, []string{"customer_type", "outcome"}),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onboard_registration_validations_total",
			Help: "Registration dry runs (validateIndividualRegistration, validateOrganizationRegistration) by customer type and outcome (OK, or the first error's code: CONFLICT for a login or reference already used).",
		}, []string{"customer_type", "outcome"}),
		hashWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "onboard_password_hash_wait_seconds",
			Help:    "Time a password hash or verification waited for a hashing slot (HASH_CONCURRENCY).",
			Buckets: []float64{.0001, .001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		webhooks: newWebhookMetrics(),
	}
	m.registry.MustRegister(m.webhooks.collectors()...)
	m.registry.MustRegister(m.requests, m.httpDuration, m.opDuration, m.registrations, m.validations, m.hashWait,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if db != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(db, "onboard"))
	}
	return m
}

// ReplicaPoolName is the db_name label of the read replica's pool
// statistics; the primary's is "onboard".
const ReplicaPoolName = "onboard_replica"

// AddReplicaPool registers the pool statistics of the read replica (see
// DATABASE_READ_URL) beside the primary's, as go_sql_*{db_name="onboard_replica"},
// and returns m. A nil replica adds nothing.
func (m *Metrics) AddReplicaPool(replica *sql.DB) *Metrics {
	if replica != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(replica, ReplicaPoolName))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Registration counts one registration.
func (m *Metrics) Registration(customerType, outcome string) {
	if m == nil {
		return
	}
	m.registrations.WithLabelValues(customerType, outcome).Inc()
}

// Validation counts one registration dry run. A run of CONFLICT outcomes
// is someone asking which logins exist: the dry run answers it without a
// password hash, as the registration's own CONFLICT does.
func (m *Metrics) Validation(customerType, outcome string) {
	if m == nil {
		return
	}
	m.validations.WithLabelValues(customerType, outcome).Inc()
}

// HashWait observes how long a hash waited for its slot.
func (m *Metrics) HashWait(d time.Duration) {
	if m == nil {
		return
	}
	m.hashWait.Observe(d.Seconds())
}

func (m *Metrics) request(req *Request) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(m.operationLabel(req), req.OperationType, req.Outcome()).Inc()
}

func (m *Metrics) http(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpDuration.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

func (m *Metrics) operation(req *Request, d time.Duration) {
	if m == nil {
		return
	}
	m.opDuration.WithLabelValues(m.operationLabel(req), req.OperationType).Observe(d.Seconds())
}

// operationLabel is the operation name as a label: the name of a
// validated operation while fewer than MaxOperationNames names are known,
// "" for an anonymous one, OtherOperation otherwise.
func (m *Metrics) operationLabel(req *Request) string {
	name := req.Operation
	switch {
	case !req.GraphQL:
		return "" // refused before GraphQL: there is no operation
	case !req.Validated:
		return OtherOperation
	case name == "":
		return ""
	}
	m.mu.RLock()
	_, known := m.names[name]
	full := len(m.names) >= MaxOperationNames
	m.mu.RUnlock()
	if known {
		return name
	}
	if full {
		return OtherOperation
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, known := m.names[name]; !known {
		if len(m.names) >= MaxOperationNames {
			return OtherOperation
		}
		m.names[name] = struct{}{}
	}
	return name
}
