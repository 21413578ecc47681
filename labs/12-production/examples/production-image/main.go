// Command greeter is the course's small HTTP server, made ready for production:
// it logs one JSON object per line to stdout, it can check its own health (so a
// shell-less image can still have a HEALTHCHECK), and on SIGTERM it stops taking
// new connections and lets the requests in flight finish before it exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// grace is how long shutdown waits for requests in flight. It must be shorter than
// the time `docker stop` waits before it sends SIGKILL (10 s unless -t says otherwise).
const grace = 8 * time.Second

func main() {
	healthcheck := flag.Bool("healthcheck", false, "ask the running server for /healthz; exit 0 if it answers 200")
	flag.Parse()
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if *healthcheck {
		os.Exit(probe(port))
	}

	// stdout, not a file: the engine collects it, `docker logs` shows it, and a
	// log shipper reads it without the app knowing where logs end up.
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, Greeting(r.URL.Query().Get("name")))
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	// /slow?ms=2000 answers after a delay: a stand-in for a long request, to watch
	// a graceful shutdown wait for it.
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(min(ms, 5000)) * time.Millisecond)
		fmt.Fprintf(w, "done after %d ms\n", ms)
	})

	srv := &http.Server{
		Addr:              ":" + port, // every interface, not 127.0.0.1: see chapter 13
		Handler:           logRequests(logger, mux),
		ReadHeaderTimeout: 5 * time.Second,
	}

	// As PID 1 a process gets no default signal handling: it must ask for SIGTERM.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	failed := make(chan error, 1)
	go func() { failed <- srv.ListenAndServe() }()
	logger.Info("listening", "port", port, "pid", os.Getpid())

	select {
	case err := <-failed:
		logger.Error("server failed", "err", err.Error())
		os.Exit(1)
	case <-ctx.Done():
	}

	logger.Info("signal received, draining", "grace_s", grace.Seconds())
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("requests still running at the deadline", "err", err.Error())
		os.Exit(1)
	}
	logger.Info("stopped cleanly")
}

// logRequests writes one line per request once it has been answered.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		logger.Info("request", "method", r.Method, "path", r.URL.Path,
			"ms", time.Since(start).Milliseconds())
	})
}

// probe is what HEALTHCHECK runs: the same binary, asking the server over loopback.
func probe(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "unhealthy: status", resp.StatusCode)
		return 1
	}
	return 0
}
