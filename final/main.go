// This program is one step of WebRTC Nuts and Bolts, a server that receives
// a browser's webcam over WebRTC, built one protocol layer at a time. Each
// step directory holds the same program with one more layer; its chapter in
// docs/ explains it. This file is the same in every step: what a step adds is
// wired in by media.go.
//
//	go run ./<step>        then open http://localhost:8080
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"nutsandbolts/final/cert"
	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/metrics"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/ui"
)

func main() {
	cfg, err := config.Load(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := slog.New(logging.New(os.Stderr, cfg.Level(), logging.IsTerminal(os.Stderr)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := start(cfg, log)
	if err != nil {
		log.Error("cannot start", "err", err.Error())
		os.Exit(1)
	}
	p.wait(ctx, stop)
}

// program is the running server: its listeners and its layers. Sockets,
// goroutines and the clock live here and in the files beside it; the
// protocol packages only turn bytes into bytes.
type program struct {
	log       *slog.Logger
	http      net.Listener
	httpSrv   *http.Server
	signaling *signaling.Server
	media     *media
	metrics   *metrics.Registry // read at scrape time (operate.go)
	started   time.Time
	done      chan error
	closeOnce sync.Once
}

// start opens the listeners and starts serving.
func start(cfg *config.Config, log *slog.Logger) (*program, error) {
	mainLog := logging.Layer(log, "main")
	certificate, err := cert.Generate(time.Now())
	if err != nil {
		return nil, err
	}
	fp, err := sdp.FingerprintOf("sha-256", certificate.DER)
	if err != nil {
		return nil, err
	}
	mainLog.Info("certificate ready", "fingerprint", fp.Algorithm+" "+fp.Value)

	m, err := newMedia(cfg, certificate, log)
	if err != nil {
		return nil, err
	}
	p := &program{log: mainLog, media: m, started: time.Now(), done: make(chan error, 1)}
	p.signaling = signaling.New(signaling.Options{
		Config:      cfg.Signaling,
		Fingerprint: fp,
		Step:        stepName(),
		UI:          ui.Files,
		Media:       m,
		Log:         log,
		Handlers:    p.operations(),
	})
	p.metrics = p.programMetrics()
	p.http, err = net.Listen("tcp", cfg.HTTP)
	if err != nil {
		m.close()
		return nil, err
	}
	p.httpSrv = &http.Server{Handler: p.signaling.Handler(), ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if cfg.HTTPS {
		tlsConfig, desc, err := httpsConfig(cfg, localAddresses(), time.Now())
		if err != nil {
			p.http.Close()
			m.close()
			return nil, err
		}
		scheme = "https"
		p.http = tls.NewListener(p.http, tlsConfig)
		mainLog.Info("serving the page over https", "certificate", desc)
	}
	go func() { p.done <- p.httpSrv.Serve(p.http) }()
	page := pageURL(scheme, p.http.Addr())
	mainLog.Info("listening", "page", page)
	for _, u := range lanURLs(scheme, p.http.Addr(), localAddresses()) {
		if cfg.HTTPS {
			mainLog.Info("on another device of this network (a phone), open", "page", u)
		} else {
			mainLog.Debug("other devices reach the page here, but their browsers allow the camera only over https: start with -https", "page", u)
		}
	}
	mainLog.Info("waiting for a browser: open the page and press Start (Ctrl-C stops the server)", "page", page)
	return p, nil
}

// operations are what an operator needs besides the page: /healthz and
// /metrics (operate.go), served by signaling behind its Host check.
func (p *program) operations() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /healthz": http.HandlerFunc(p.healthz),
		"GET /metrics": http.HandlerFunc(p.serveMetrics),
	}
}

// wait serves until ctx ends (SIGINT, SIGTERM) or the HTTP server fails,
// then shuts down. stopSignals gives the signals back to Go's default: a
// second Ctrl-C during the shutdown ends the process at once.
func (p *program) wait(ctx context.Context, stopSignals func()) {
	select {
	case <-ctx.Done():
		stopSignals()
		p.log.Info("shutting down: closing every session (Ctrl-C again to exit at once)")
	case err := <-p.done:
		p.log.Error("HTTP server stopped", "err", err.Error())
	}
	p.close()
}

// shutdownWait is how long the shutdown waits for the pages to close
// their sessions before it closes what is left itself.
const shutdownWait = 3 * time.Second

// close shuts down in order: no new sessions; every page told (it will
// come back when the server does) and every DTLS association ended with a
// close_notify; then the HTTP server, the UDP loop, and last the writers,
// which finish the JPEGs in flight and close the IVF files.
func (p *program) close() { p.closeOnce.Do(p.shutdown) }

func (p *program) shutdown() {
	start := time.Now()
	p.signaling.CloseAll("server shutting down")
	if n := p.signaling.Wait(start.Add(shutdownWait)); n > 0 {
		p.log.Warn("sessions still open after the wait: closing them", "sessions", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p.httpSrv.Shutdown(ctx)
	p.media.close()
	p.log.Info("stopped", "took", time.Since(start).Round(time.Millisecond).String())
}

// pageURL is the address to open in a browser. Browsers allow the camera only
// on https or on localhost, so a wildcard address is shown as localhost.
func pageURL(scheme string, a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// stepName is this program's directory name, from its module path.
func stepName() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path[strings.LastIndex(bi.Main.Path, "/")+1:]
	}
	return ""
}
