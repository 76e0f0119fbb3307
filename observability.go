package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"onboard/internal/config"
	"onboard/internal/observe"
)

// startTracing starts the OTLP exporter when an endpoint is configured
// (nil tracing otherwise) and returns the function that flushes it, for
// serve to defer: spans still buffered at exit are sent, not lost.
func startTracing(ctx context.Context, cfg config.Config, logger *slog.Logger) (*observe.Tracing, func(), error) {
	tracing, err := observe.NewTracing(ctx, observe.TracingConfig{Endpoint: cfg.OTLPTracesEndpoint, ServiceName: cfg.ServiceName})
	if err != nil || tracing == nil {
		return nil, func() {}, err
	}
	logger.Info("tracing", "endpoint", config.MaskURL(cfg.OTLPTracesEndpoint))
	return tracing, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tracing.Shutdown(ctx); err != nil {
			logger.Warn("flushing traces", "error", err.Error())
		}
	}, nil
}

// serveMetrics serves /metrics alone on METRICS_ADDR (a port that only
// the scraper can reach) and returns the function that closes it.
func serveMetrics(cfg config.Config, metrics *observe.Metrics, logger *slog.Logger) (func(), error) {
	l, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener", "error", err.Error())
		}
	}()
	logger.Info("metrics listening", "addr", l.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// since is a duration for the log, in milliseconds like the access log's.
func since(start time.Time) slog.Attr {
	return slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000)
}
