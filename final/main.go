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
	"syscall"
	"time"

	"nutsandbolts/final/cert"
	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
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
	p.wait(ctx)
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
	done      chan error
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
	p := &program{log: mainLog, media: m, done: make(chan error, 1)}
	p.signaling = signaling.New(signaling.Options{
		Config:      cfg.Signaling,
		Fingerprint: fp,
		Step:        stepName(),
		UI:          ui.Files,
		Media:       m,
		Log:         log,
	})
	p.http, err = net.Listen("tcp", cfg.HTTP)
	if err != nil {
		m.close()
		return nil, err
	}
	p.httpSrv = &http.Server{Handler: p.signaling.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { p.done <- p.httpSrv.Serve(p.http) }()
	mainLog.Info("listening", "page", pageURL(p.http.Addr()))
	mainLog.Info("waiting for a browser: open the page and press Start (Ctrl-C stops the server)", "page", pageURL(p.http.Addr()))
	return p, nil
}

// wait serves until ctx ends or the HTTP server fails, then shuts down.
func (p *program) wait(ctx context.Context) {
	select {
	case <-ctx.Done():
		p.log.Info("shutting down")
	case err := <-p.done:
		p.log.Error("HTTP server stopped", "err", err.Error())
	}
	p.close()
}

// close ends every session and closes the listeners.
func (p *program) close() {
	p.signaling.CloseAll("server shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p.httpSrv.Shutdown(ctx)
	p.media.close()
}

// pageURL is the address to open in a browser. Browsers allow the camera only
// on https or on localhost, so a wildcard address is shown as localhost.
func pageURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// stepName is this program's directory name, from its module path.
func stepName() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path[strings.LastIndex(bi.Main.Path, "/")+1:]
	}
	return ""
}
